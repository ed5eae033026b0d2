import { CliError } from './errors';

// A date (midnight UTC), or a date and time with an explicit offset: a time without one would be
// read in the machine's time zone, and the same command would evaluate differently elsewhere.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** `--now`: the instant policies are evaluated at, epoch milliseconds. Shared by every command that takes it. */
export function parseNowOption(value: string): number {
  const match = ISO_8601.exec(value);
  const ms = Date.parse(value);
  // Date.parse rolls impossible dates over (2026-02-30 becomes 2 March): compare the fields back.
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match ?? [];
  const fields = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)),
  );
  const isRealDate =
    fields.getUTCFullYear() === Number(year) &&
    fields.getUTCMonth() === Number(month) - 1 &&
    fields.getUTCDate() === Number(day) &&
    fields.getUTCHours() === Number(hour) &&
    fields.getUTCMinutes() === Number(minute);
  if (!match || Number.isNaN(ms) || !isRealDate) {
    throw new CliError(
      `--now must be an ISO 8601 date or time with an offset, e.g. 2026-01-31 or 2026-01-31T09:00:00Z; got "${value}"`,
    );
  }
  return ms;
}
