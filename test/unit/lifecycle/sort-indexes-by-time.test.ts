// sortIndexesByTime orders image indexes for both engines: ascending time, equal times in index
// order. Checked against a comparator sort on times that take each of its paths: whole seconds and
// whole milliseconds folded into exact integer keys, spans too wide to fold, fractions, ties.
import fc from 'fast-check';
import { sortIndexesByTime } from '../../../shared/lifecycle/evaluate';

const RUNS = { seed: 20_261_204, numRuns: 400 };
const YEAR_MS = 365 * 86_400_000;
const NOW = Date.parse('2026-11-01T00:00:00Z');

function referenceOrder(times: readonly number[]): number[] {
  return times.map((_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
}

const times = fc.oneof(
  // Whole seconds within ten years, often equal.
  fc
    .array(fc.oneof(fc.integer({ min: 0, max: 10 * 365 * 86_400 }), fc.constantFrom(5, 77)), {
      maxLength: 200,
    })
    .map((seconds) => seconds.map((s) => NOW - s * 1000)),
  // Whole milliseconds within three years: folds only while the span times the count fits.
  fc.array(fc.integer({ min: 0, max: 3 * YEAR_MS }), { maxLength: 200 }).map((ms) => ms.map((m) => NOW - m)),
  // Spans no key can hold, fractions, and both signs of zero.
  fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0),
    ),
    { maxLength: 60 },
  ),
);

describe('sortIndexesByTime', () => {
  it('orders indexes by ascending time, equal times in index order, whatever the span and unit', () => {
    fc.assert(
      fc.property(times, (values) => {
        const order = sortIndexesByTime(Float64Array.from(values, (value) => value + 0));

        expect([...order]).toEqual(referenceOrder(values.map((value) => value + 0)));
      }),
      RUNS,
    );
  });

  it('orders 100,000 whole-millisecond times spanning more than the keys can hold', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => NOW - ((i * 7_919) % 100_003) * 1_000_003);

    expect([...sortIndexesByTime(Float64Array.from(values))]).toEqual(referenceOrder(values));
  });
});
