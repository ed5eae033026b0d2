// The demo's repository guard section, in-process: the real handler in the demo world (the sample
// registry in the simulator, dynalite, EventBridge recorded) with the demo config.
import { repositoryGuardSection } from '../../../local/demo/sections/repository-guard';
import { createDemoWorld, type DemoWorld } from '../../../local/demo/world';

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

describe('demo: repository guard on the sample registry', () => {
  it('finds every planted drift once, alerts the moved tag once, and reports nothing that is not planted', async () => {
    const result = await repositoryGuardSection.run(world);

    const json = result.json as {
      planted: string[];
      drifts: {
        account: string;
        accountAlias?: string;
        repositoryName: string;
        baseline: string;
        remediation: string;
      }[];
      accountUnreachable: { account: string; accountAlias?: string; work: string }[];
      sweep: unknown;
    };
    expect(json.planted).toEqual([
      'drift-mutable: payments/worker tag-immutability (1 event)',
      'drift-no-lifecycle-policy: web/admin lifecycle-policy (1 event)',
      'drift-aes256-encryption: web/frontend encryption (1 event)',
      'drift-public-repository-policy: tools/ci-runner repository-policy (1 event)',
      'tag-moved-mutable: payments/worker:latest alerted 1 time',
      // The demo deployment is an Organizations hub (issue 15).
      'payments-prod: payments/ledger-events tag-immutability (1 event, named by alias: 1)',
      'forged event of 555555555555 refused (UngovernedEventError)',
      'legacy-sandbox unreachable in the sweep (1 Account Unreachable event)',
    ]);
    expect(
      json.drifts.map((drift) => [
        drift.account,
        drift.accountAlias,
        drift.repositoryName,
        drift.remediation,
      ]),
    ).toEqual([
      ['123456789012', 'demo-hub', 'payments/worker', 'would-apply'],
      ['333333333333', 'payments-prod', 'payments/ledger-events', 'would-apply'],
      ['123456789012', 'demo-hub', 'tools/ci-runner', 'report-only'],
      ['123456789012', 'demo-hub', 'web/frontend', 'report-only'],
      ['123456789012', 'demo-hub', 'web/admin', 'would-apply'],
    ]);
    expect(json.accountUnreachable.map((event) => [event.account, event.accountAlias, event.work])).toEqual([
      ['444444444444', 'legacy-sandbox', 'repository-guard'],
    ]);
    expect(json.sweep).toMatchObject({
      schedule: { status: 'queued', targetsQueued: 3 },
      batchItemFailures: [],
    });
    expect(world.aws.calls.count('PutImageTagMutability') + world.aws.calls.count('PutLifecyclePolicy')).toBe(
      0,
    );
  });
});
