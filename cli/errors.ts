/** Exit codes: 0 success, 1 a failed check that is the answer (e.g. a blocked gate), 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 2;
export const EXIT_INTERNAL = 70;

/** An error the user can fix: printed as one line, never with a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INVALID,
    /** Further lines, e.g. every violation of a policy. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}
