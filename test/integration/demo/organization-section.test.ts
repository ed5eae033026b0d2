// The demo's Organizations section, in-process: `organization check` (the CLI's code) in the demo world,
// with the demo config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { organizationSection } from '../../../local/demo/sections/organization';
import { createDemoWorld, type DemoWorld } from '../../../local/demo/world';
import { ROOT } from '../../support/cli';

jest.mock('../../../shared/config/bundled-config', () => ({
  loadBundledConfig: () =>
    require('../../../shared/config/load-config').loadConfigFile(
      require('node:path').join(__dirname, '..', '..', '..', 'local', 'demo', 'ecr-warden.demo.yml'),
    ),
}));

const saved = { ...process.env };
let world: DemoWorld;

beforeAll(async () => {
  world = await createDemoWorld();
});
afterAll(async () => {
  await world.close();
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

// biome-ignore lint/suspicious/noExplicitAny: the section's JSON, read as the demo report's reader would
type Json = any;

describe('demo: organization check', () => {
  it('reaches the hub and payments-prod, not legacy-sandbox, and refuses a missing OU and a role trusting another hub', async () => {
    const result = await organizationSection.run(world);

    const json = result.json as Json;
    expect(json.report.targets.map((t: Json) => [t.alias, t.reachable, t.roleArn])).toEqual([
      ['demo-hub', true, null],
      ['payments-prod', true, 'arn:aws:iam::333333333333:role/ecr-warden-member'],
      ['legacy-sandbox', false, 'arn:aws:iam::444444444444:role/ecr-warden-member'],
    ]);
    expect(json.report.targets[2].errorName).toBe('AccessDenied');
    expect(json.organizationListing).toEqual([
      { id: '333333333333', alias: 'payments-prod', parents: ['ou-ecrw-workloads', 'r-ecrw'] },
      { id: '444444444444', alias: 'legacy-sandbox', parents: ['ou-ecrw-workloads', 'r-ecrw'] },
    ]);
    expect(json.refused.missingOu).toBe(
      'OU ou-ecrw-retired01 does not exist in the organization (ChildNotFoundException): fix organization.organizationalUnits',
    );
    expect(json.refused.staleRole.roleArn).toBe('arn:aws:iam::333333333333:role/ecr-warden-member-stale');
    expect(json.refused.staleRole.reason).toContain('(AccessDenied)');
    // The documented example is this very report (examples/organization/README.md).
    const example = JSON.parse(
      readFileSync(join(ROOT, 'examples/organization/organization-check.json'), 'utf8'),
    );
    expect(json.report).toEqual(example);
    // Nothing written anywhere: the check is read-only.
    expect(
      world.aws.calls.records.filter((call) => /^(Put|Delete|BatchDelete|Set|Start)/.test(call.api)),
    ).toEqual([]);
  });
});
