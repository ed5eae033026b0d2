import { type FunctionKey, SCENARIOS } from './scenarios';

/**
 * Registers one jest test per scenario of the catalogue (scenarios.ts) for a function, named by what is
 * tried and what happens, each run by the implementation of the same id. A scenario without a test, or a
 * test without a scenario, fails: the README's Reliability table (generated from the catalogue) only ever
 * states what a test shows.
 */
export function describeScenarios(fn: FunctionKey, tests: Record<string, () => Promise<void>>): void {
  const scenarios = SCENARIOS.filter((scenario) => scenario.fn === fn);
  describe(`${fn} under bad input and faults`, () => {
    for (const scenario of scenarios) {
      const test = tests[scenario.id];
      it(`${scenario.tried}: ${scenario.outcome}`, async () => {
        if (test === undefined) throw new Error(`no test for scenario ${scenario.id}`);
        await test();
      });
    }
    it('tests every scenario of the catalogue and nothing else', () => {
      expect(Object.keys(tests).sort()).toEqual(scenarios.map((scenario) => scenario.id).sort());
    });
  });
}
