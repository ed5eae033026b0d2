import { EventValidationError } from '../../shared/events/event-validation-error';

/** An error shaped like the SDK's service exceptions (`error.name` is the exception's name). */
export function awsError(name: string): Error {
  return Object.assign(new Error(`${name} (test)`), { name });
}

/** Strings that name Object.prototype members: a lookup in a plain object finds something for them. */
export const OBJECT_PROPERTY_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const;

/** Anything whose calls a rejected event must not have caused. */
export interface Untouched {
  /** The registry simulator's call log. */
  aws?: { calls: { count(): number } };
  /** aws-sdk-client-mock stubs (DynamoDB, SQS, ...). */
  mocks?: { calls(): unknown[] }[];
  /** Governance events published. */
  published?: unknown[];
}

/**
 * The fault suite's check for a malformed event: the invocation rejects with a one-message
 * EventValidationError matching `pattern` (shorter than 1,000 characters when `bounded`), and
 * nothing was read, written or published before it did.
 */
export async function expectRejectedAsInvalid(
  invocation: Promise<unknown>,
  pattern: RegExp,
  untouched: Untouched,
  options: { bounded?: boolean } = { bounded: true },
): Promise<EventValidationError> {
  const error = await invocation.then(
    () => undefined,
    (rejection: unknown) => rejection as Error,
  );
  expect(error).toBeInstanceOf(EventValidationError);
  expect(error?.message).toMatch(pattern);
  if (options.bounded) expect(error?.message.length).toBeLessThan(1_000);
  if (untouched.aws) expect(untouched.aws.calls.count()).toBe(0);
  for (const mock of untouched.mocks ?? []) expect(mock.calls()).toHaveLength(0);
  if (untouched.published) expect(untouched.published).toEqual([]);
  return error as EventValidationError;
}
