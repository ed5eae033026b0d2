/**
 * What an independent check reports: one line per expectation, `ok` or `FAIL`, and whether all held.
 */
export class CheckResults {
  readonly failures: string[] = [];

  constructor(
    private readonly checkName: string,
    private readonly log: (line: string) => void,
  ) {}

  expect(condition: boolean, what: string, detail = ''): void {
    if (condition) {
      this.log(`ok   ${this.checkName}: ${what}`);
    } else {
      const line = `${this.checkName}: ${what}${detail === '' ? '' : ` (${detail})`}`;
      this.failures.push(line);
      this.log(`FAIL ${line}`);
    }
  }

  expectEqual<T>(actual: T, expected: T, what: string): void {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    this.expect(a === e, what, `got ${a}, expected ${e}`);
  }
}
