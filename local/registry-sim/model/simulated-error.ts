/**
 * An error the simulated service answers with. The model knows AWS's error *names* (the `code`,
 * e.g. `RepositoryNotFoundException`) but not the SDK: the adapter turns each code into an
 * instance of the SDK's own exception class, so that `error.name` and `instanceof` work in code
 * under test.
 */
export class SimulatedServiceError extends Error {
  override name = 'SimulatedServiceError';

  constructor(
    /** The AWS error name, e.g. `ImageTagAlreadyExistsException`. */
    readonly code: string,
    message: string,
    /** Extra members the real exception carries (e.g. Lambda's `Reason`). */
    readonly members: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function serviceError(
  code: string,
  message: string,
  members?: Record<string, unknown>,
): SimulatedServiceError {
  return new SimulatedServiceError(code, message, members);
}
