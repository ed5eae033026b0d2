/**
 * ISO 8601 timestamps as the AWS CLI prints them (RFC 3339: `2026-02-27T12:00:00+00:00`,
 * `...00.250000+01:00`, `...00Z`), read strictly. Date.parse is lenient where it must not be: it
 * rolls impossible dates over (`2026-02-30` becomes 2 March, `T24:00` the next day) and reads a
 * time without an offset in the machine's time zone, so the same file would be evaluated
 * differently elsewhere. Here every field is checked against the calendar instead, and a time must
 * carry its offset. A date alone is midnight UTC.
 */
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Epoch milliseconds, or why `text` is no timestamp (e.g. `February 2026 has 28 days`). */
export function readIsoTimestamp(text: string): number | string {
  const match = ISO_8601.exec(text);
  if (match === null) return 'not an ISO 8601 date and time';
  const [
    ,
    year,
    month,
    day,
    hour,
    minute,
    second = '00',
    fraction = '',
    utc,
    sign,
    offsetHours,
    offsetMinutes,
  ] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  // Date.UTC reads years 0-99 as 1900-1999; nothing in ECR is older than the epoch anyway.
  if (y < 1970) return `year ${year} is before 1970`;
  if (m < 1 || m > 12) return `month ${month} does not exist`;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth)
    return `day ${day} does not exist: ${MONTHS[m - 1]} ${year} has ${daysInMonth} days`;
  if (hour === undefined) return Date.UTC(y, m - 1, d);
  if (utc === undefined && sign === undefined) return 'a time needs its offset (Z or +hh:mm)';
  const [h, min, s] = [Number(hour), Number(minute), Number(second)];
  if (h > 23 || min > 59 || s > 59) return `time ${hour}:${minute}:${second} does not exist`;
  let offset = 0;
  if (sign !== undefined) {
    const [oh, om] = [Number(offsetHours), Number(offsetMinutes)];
    if (oh > 23 || om > 59) return `offset ${sign}${offsetHours}:${offsetMinutes} does not exist`;
    offset = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  // Digits, not floating point: 0.57 * 1000 is 569.99...
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  return Date.UTC(y, m - 1, d, h, min, s, millis) - offset;
}
