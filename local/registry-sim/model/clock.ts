/**
 * The simulated world's clock. It never moves on its own: tests and the sample are deterministic,
 * and a test that needs time to pass says so (`clock.advance({ days: 3 })`).
 */
export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  ms?: number;
}

export const MS_PER_DAY = 86_400_000;

export function durationMs(duration: Duration): number {
  return (
    (duration.days ?? 0) * MS_PER_DAY +
    (duration.hours ?? 0) * 3_600_000 +
    (duration.minutes ?? 0) * 60_000 +
    (duration.seconds ?? 0) * 1000 +
    (duration.ms ?? 0)
  );
}

export class SimulatedClock {
  private current: number;

  constructor(start: Date | string | number) {
    this.current = toEpochMs(start);
  }

  /** Epoch milliseconds. */
  nowMs(): number {
    return this.current;
  }

  now(): Date {
    return new Date(this.current);
  }

  set(time: Date | string | number): void {
    this.current = toEpochMs(time);
  }

  advance(duration: Duration): void {
    this.current += durationMs(duration);
  }
}

export function toEpochMs(time: Date | string | number): number {
  const ms = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(time)}`);
  return ms;
}
