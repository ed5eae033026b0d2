import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSection } from '../../../local/docs/readme-sections';
import { renderReliabilityMarkdown } from '../../reliability/reliability-table';
import { FUNCTION_ORDER, SCENARIOS } from '../../reliability/scenarios';

const readme = () => readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

describe("README.md's Reliability section", () => {
  it('is the table of the scenario catalogue (run `npm run docs:reliability` when this fails)', () => {
    expect(readSection(readme(), 'reliability')).toBe(renderReliabilityMarkdown().trimEnd());
  });

  it('covers every function with bad input and faults, each scenario once', () => {
    const keys = SCENARIOS.map((scenario) => `${scenario.fn}/${scenario.id}`);

    expect(new Set(keys).size).toBe(keys.length);
    for (const fn of FUNCTION_ORDER) {
      const kinds = new Set(
        SCENARIOS.filter((scenario) => scenario.fn === fn).map((scenario) => scenario.kind),
      );
      expect([fn, [...kinds].sort()]).toEqual([fn, ['bad input', 'fault']]);
    }
  });
});
