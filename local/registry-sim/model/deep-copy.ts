/**
 * A deep copy of plain data (objects, arrays, Dates, byte arrays). Used instead of structuredClone,
 * whose copies belong to the host realm: under jest (a vm context per test file) a Date it returns
 * is not `instanceof Date` in the test, whereas the SDK's own Dates are.
 */
export function deepCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Object.prototype.toString.call(value) === '[object Date]') {
    return new Date((value as unknown as Date).getTime()) as T;
  }
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(0)) as T;
  if (Array.isArray(value)) return value.map((item) => deepCopy(item)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) copy[key] = deepCopy(member);
  return copy as T;
}
