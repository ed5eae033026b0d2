import { parseAwsTimestamp } from '../../../shared/findings/aws-timestamp';

const iso = (value: unknown) => {
  const parsed = parseAwsTimestamp(value);
  return parsed.ok ? parsed.date.toISOString() : parsed.message;
};

describe('parseAwsTimestamp', () => {
  it.each([
    [
      'Inspector event, Date.toString with milliseconds',
      'Mon Jun 01 11:58:02.411 UTC 2026',
      '2026-06-01T11:58:02.411Z',
    ],
    [
      'Inspector event, Date.toString without milliseconds',
      'Mon Jun 01 11:58:02 GMT 2026',
      '2026-06-01T11:58:02.000Z',
    ],
    ['Inspector event, medium date style, afternoon', 'Dec 3, 2021, 6:02:30 PM', '2021-12-03T18:02:30.000Z'],
    [
      'Inspector event, medium date style, just after midnight',
      'Oct 16, 2019, 12:00:00 AM',
      '2019-10-16T00:00:00.000Z',
    ],
    [
      'Inspector event, medium date style, just after noon',
      'Jan 1, 2026, 12:30:00 PM',
      '2026-01-01T12:30:00.000Z',
    ],
    ['JDK 20+ narrow no-break space before PM', 'Dec 3, 2021, 6:02:30\u202fPM', '2021-12-03T18:02:30.000Z'],
    ['CLI v2 JSON output', '2025-05-27T17:53:50.554000+00:00', '2025-05-27T17:53:50.554Z'],
    ['EventBridge envelope', '2021-12-03T18:02:30Z', '2021-12-03T18:02:30.000Z'],
    ['an offset other than UTC', '2026-06-01T13:58:02+02:00', '2026-06-01T11:58:02.000Z'],
    ['CLI v1 epoch seconds', 1780315082.411, '2026-06-01T11:58:02.411Z'],
    ['epoch milliseconds', 1780315082411, '2026-06-01T11:58:02.411Z'],
    ['a Date from the SDK', new Date('2026-06-01T11:58:02Z'), '2026-06-01T11:58:02.000Z'],
  ])('reads %s', (_format, input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it.each([
    ['an impossible day', 'Feb 30, 2026, 1:00:00 PM'],
    ['an impossible ISO date', '2026-02-30T00:00:00Z'],
    ['an hour past 12 with AM/PM', 'Dec 3, 2021, 13:02:30 PM'],
    ['a zone abbreviation that is not UTC', 'Mon Jun 01 11:58:02 PST 2026'],
    ['free text', 'yesterday'],
    ['null', null],
  ])('refuses %s with a message listing the formats it reads', (_what, input) => {
    const parsed = parseAwsTimestamp(input);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(
      /is not a timestamp AWS writes \(ISO 8601 .*epoch seconds\)$/,
    );
  });
});
