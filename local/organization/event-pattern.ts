/**
 * EventBridge event-pattern matching, for the local mode's cross-account delivery (./hub-delivery.ts).
 * No well-kept JavaScript implementation exists (AWS's own, event-ruler, is Java; the JavaScript
 * packages on npm are unmaintained or match something else), and the member stack's patterns use a
 * small subset, so this is that subset, written from the EventBridge User Guide:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 *
 * - Every field a pattern names must match; fields it does not name are ignored.
 * - A field's pattern is an object (match the event's object field by field) or an array: the event's
 *   value matches when it equals one of the array's values, or satisfies one of its operators. When
 *   the event's value is an array, it matches when any element does.
 * - Operators: `{ "exists": true|false }`, `{ "prefix": "…" }`, `{ "suffix": "…" }`,
 *   `{ "anything-but": value | [values] }` (strings and numbers), `{ "equals-ignore-case": "…" }`.
 *   Exact values: strings, numbers, booleans and null, compared with ===.
 *
 * An operator outside this subset (numeric, cidr, wildcard, $or…) throws instead of answering: a
 * pattern this code does not understand must fail the test that uses it, never match silently.
 */
export type EventPattern = Readonly<Record<string, unknown>>;

export class UnsupportedEventPatternError extends Error {
  override name = 'UnsupportedEventPatternError';
}

export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesObject(pattern, event, '');
}

function matchesObject(pattern: EventPattern, value: unknown, path: string): boolean {
  for (const [key, fieldPattern] of Object.entries(pattern)) {
    if (key.startsWith('$')) throw new UnsupportedEventPatternError(`${path}${key}: not supported`);
    const fieldPath = `${path}${key}.`;
    const field = isObject(value) ? value[key] : undefined;
    if (Array.isArray(fieldPattern)) {
      if (!matchesLeaf(fieldPattern, field, fieldPath)) return false;
    } else if (isObject(fieldPattern)) {
      if (!isObject(field) || !matchesObject(fieldPattern, field, fieldPath)) return false;
    } else {
      throw new UnsupportedEventPatternError(`${fieldPath}: a pattern's values are arrays or objects`);
    }
  }
  return true;
}

function matchesLeaf(alternatives: readonly unknown[], value: unknown, path: string): boolean {
  return alternatives.some((alternative) => {
    if (isObject(alternative)) return matchesOperator(alternative, value, path);
    if (value === undefined) return false;
    return values(value).some((item) => item === alternative);
  });
}

function matchesOperator(operator: Record<string, unknown>, value: unknown, path: string): boolean {
  const entries = Object.entries(operator);
  const [name, argument] = entries[0] ?? [];
  if (entries.length !== 1 || name === undefined) {
    throw new UnsupportedEventPatternError(`${path}: an operator object holds one operator`);
  }
  if (name === 'exists') {
    if (typeof argument !== 'boolean')
      throw new UnsupportedEventPatternError(`${path}: exists takes true or false`);
    // "exists" matches leaf fields only: an object is not a leaf.
    const present = value !== undefined && !isObject(value) && !(Array.isArray(value) && value.length === 0);
    return present === argument;
  }
  if (value === undefined) return false;
  const items = values(value);
  switch (name) {
    case 'prefix':
      return items.some(
        (item) => typeof item === 'string' && typeof argument === 'string' && item.startsWith(argument),
      );
    case 'suffix':
      return items.some(
        (item) => typeof item === 'string' && typeof argument === 'string' && item.endsWith(argument),
      );
    case 'equals-ignore-case':
      return items.some(
        (item) =>
          typeof item === 'string' &&
          typeof argument === 'string' &&
          item.toLowerCase() === argument.toLowerCase(),
      );
    case 'anything-but': {
      if (isObject(argument))
        throw new UnsupportedEventPatternError(`${path}: anything-but with an operator`);
      const excluded = Array.isArray(argument) ? argument : [argument];
      return items.some((item) => !excluded.includes(item));
    }
    default:
      throw new UnsupportedEventPatternError(`${path}: operator ${name} is not supported`);
  }
}

function values(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
