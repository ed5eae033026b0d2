/**
 * Every way AWS writes a timestamp where scan findings come from, parsed to one instant:
 *
 * | where                                                  | looks like                              |
 * |--------------------------------------------------------|-----------------------------------------|
 * | the SDK (DescribeImageScanFindings)                    | a `Date`                                |
 * | `aws ... --output json` (CLI v2, `cli_timestamp_format` iso8601, the default) | `2025-05-27T17:53:50.554000+00:00` |
 * | the same with `cli_timestamp_format = none` / CLI v1   | epoch seconds, e.g. `1748368430.554`    |
 * | EventBridge envelopes, ECR events                      | `2021-12-03T18:02:30Z`                  |
 * | Inspector2 Finding event details (documented example)  | `Dec 3, 2021, 6:02:30 PM` (UTC)         |
 * | Inspector2 Finding event details (seen in the wild)    | `Mon Jun 01 11:58:02.411 UTC 2026`      |
 *
 * The Inspector detail formats are Java's: `MMM d, yyyy, h:mm:ss a` (en_US medium style, UTC; JDK 20+
 * puts a narrow no-break space before AM/PM) and `Date.toString()` (`EEE MMM dd HH:mm:ss zzz yyyy`,
 * here with milliseconds). The example event's `time` 2021-12-03T18:02:30Z equals its
 * `updatedAt` "Dec 3, 2021, 6:02:30 PM", which is how we know these carry UTC.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-events.html
 * https://docs.aws.amazon.com/cli/latest/topic/config-vars.html (cli_timestamp_format)
 *
 * Anything else is refused with a message that says which formats are understood: a finding whose
 * time cannot be read must not be silently ordered as "never" (see the ledger's replay guard).
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// 2021-12-03T18:02:30Z, 2025-05-27T17:53:50.554000+00:00, 2021-12-03 18:02:30Z; a time without a zone
// is UTC (AWS APIs write UTC), a date alone is midnight UTC.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
// Dec 3, 2021, 6:02:30 PM (the comma after the year is optional; the space before AM/PM may be a
// no-break or narrow no-break space, normalised below).
const JAVA_MEDIUM = /^([A-Za-z]{3})[a-z]* (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp][Mm])$/;
// Mon Jun 01 11:58:02.411 UTC 2026, Mon Jun 01 11:58:02 GMT 2026
const JAVA_TO_STRING =
  /^([A-Za-z]{3}) ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (UTC|GMT|Z|[+-]\d{2}:?\d{2}) (\d{4})$/;

/** Epoch seconds below this; above, the number is epoch milliseconds (10^11 s is the year 5138). */
const MAX_EPOCH_SECONDS = 100_000_000_000;

export const UNDERSTOOD_TIMESTAMP_FORMATS =
  'ISO 8601 (2026-06-01T11:58:02Z), "Jun 1, 2026, 11:58:02 AM", "Mon Jun 01 11:58:02.411 UTC 2026" or epoch seconds';

export type TimestampParse = { ok: true; date: Date } | { ok: false; message: string };

/** Parses a timestamp in any format above. */
export function parseAwsTimestamp(value: unknown): TimestampParse {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? refuse('an invalid Date') : { ok: true, date: value };
  }
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return refuse(`a ${value === null ? 'null' : typeof value}`);
  const text = value.replace(/[\u00a0\u202f]/g, ' ').trim();
  if (/^\d+(\.\d+)?$/.test(text)) return fromEpoch(Number(text));
  return fromFormats(text) ?? refuse(JSON.stringify(value));
}

/** The ISO 8601 UTC string of a timestamp in any format above, or `undefined` when it is absent. */
export function toIsoTimestamp(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parseAwsTimestamp(value);
  if (!parsed.ok) throw new TypeError(parsed.message);
  return parsed.date.toISOString();
}

function refuse(what: string): TimestampParse {
  return { ok: false, message: `${what} is not a timestamp AWS writes (${UNDERSTOOD_TIMESTAMP_FORMATS})` };
}

function fromEpoch(value: number): TimestampParse {
  if (!Number.isFinite(value) || value < 0) return refuse(String(value));
  const ms = value < MAX_EPOCH_SECONDS ? value * 1000 : value;
  return { ok: true, date: new Date(Math.round(ms)) };
}

/** Each format and what its groups capture, in order. */
const FORMATS = [
  { pattern: ISO_8601, fields: ['year', 'month', 'day', 'hour', 'minute', 'second', 'fraction', 'zone'] },
  { pattern: JAVA_MEDIUM, fields: ['monthName', 'day', 'year', 'hour12', 'minute', 'second', 'meridiem'] },
  {
    pattern: JAVA_TO_STRING,
    fields: ['weekday', 'monthName', 'day', 'hour', 'minute', 'second', 'fraction', 'zone', 'year'],
  },
] as const;

type Captured = Partial<Record<(typeof FORMATS)[number]['fields'][number], string>>;

/** The timestamp in the first format `text` matches; `undefined` when it matches none. */
function fromFormats(text: string): TimestampParse | undefined {
  for (const { pattern, fields } of FORMATS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const captured: Captured = {};
    fields.forEach((field, index) => {
      const value = match[index + 1];
      if (value !== undefined) captured[field] = value;
    });
    return fromFields(captured, text);
  }
  return undefined;
}

/** A time without a zone is UTC, a date alone is midnight UTC, and the Java formats' UTC and GMT are UTC. */
function fromFields(captured: Captured, text: string): TimestampParse {
  const {
    weekday,
    year = '',
    month = '',
    monthName,
    day = '',
    hour = '0',
    hour12,
    minute = '0',
    second = '0',
    fraction = '',
    meridiem = '',
    zone = 'Z',
  } = captured;
  const monthNumber = monthName === undefined ? +month : MONTHS.indexOf(monthName.toLowerCase()) + 1;
  if (monthNumber === 0 || (weekday !== undefined && !WEEKDAYS.includes(weekday.toLowerCase()))) {
    return refuse(JSON.stringify(text));
  }
  if (hour12 !== undefined && (+hour12 < 1 || +hour12 > 12)) return refuse(JSON.stringify(text));
  // 12:xx AM is just after midnight, 12:xx PM just after noon.
  const hour24 = hour12 === undefined ? +hour : (+hour12 % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
  const utc = Date.UTC(+year, monthNumber - 1, +day, hour24, +minute, +second);
  const check = new Date(utc);
  // Date.UTC rolls impossible fields over (Feb 30 becomes Mar 2, 25:00 the next day): compare back.
  const real =
    check.getUTCFullYear() === +year &&
    check.getUTCMonth() === monthNumber - 1 &&
    check.getUTCDate() === +day &&
    check.getUTCHours() === hour24 &&
    check.getUTCMinutes() === +minute &&
    check.getUTCSeconds() === +second;
  if (!real) return refuse(JSON.stringify(text));
  const ms = fraction === '' ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const offset = offsetMinutes(zone === 'UTC' || zone === 'GMT' ? 'Z' : zone);
  return { ok: true, date: new Date(utc + ms - offset * 60_000) };
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}
