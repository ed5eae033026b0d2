/** A clock the test moves by hand, starting at `start`. */
export function manualClock(start: string) {
  let current = new Date(start);
  const advanceMs = (ms: number) => {
    current = new Date(current.getTime() + ms);
  };
  return {
    now: () => current,
    advanceSeconds: (seconds: number) => advanceMs(seconds * 1000),
    advanceHours: (hours: number) => advanceMs(hours * 3_600_000),
  };
}
