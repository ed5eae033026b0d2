// --account/--role of the live commands and `ecr-warden organization check`, in process through main()
// on the registry simulator: a hub (the simulator's default account), a member account whose member
// role trusts the hub's role only inside the organization, an account without a role, and one whose
// role trusts someone else.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CliError } from '../../../cli/errors';
import { main } from '../../../cli/main';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { imageManifest } from '../../../local/registry-sim/data/manifests';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';

const HUB = '123456789012';
const MEMBER = '333333333333';
const NO_ROLE = '444444444444';
const WRONG_TRUST = '555555555555';
const ORG = 'o-clitest0001';
const ROOT = 'r-clit';
const OU = 'ou-clit-workload';

// biome-ignore lint/suspicious/noExplicitAny: the reports are read as the JSON a script would read
type Json = any;

let dir: string;
let sim: RegistrySimulator;
let aws: InstalledSimulator;

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const listedConfig = () =>
  writeConfig(
    'listed.yml',
    `cleanup:
  rules:
    - repositories: ["payments/**"]
      policy:
        rules:
          - rulePriority: 1
            selection: { tagStatus: untagged, countType: sinceImagePushed, countUnit: days, countNumber: 14 }
            action: { type: expire }
organization:
  accounts: ["${HUB}", "${MEMBER}", "${NO_ROLE}", "${WRONG_TRUST}"]
  regions: [us-east-1, eu-west-1]
  organizationId: ${ORG}
  accountAliases:
    "${MEMBER}": payments-prod
    "${NO_ROLE}": legacy-sandbox
`,
  );

/** What main() wrote and how it ended: null when it succeeded, else the CliError. */
async function run(args: string[]): Promise<{ out: string; error: CliError | null }> {
  let out = '';
  try {
    await main(args, (text) => {
      out += typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
    });
    return { out, error: null };
  } catch (error) {
    if (error instanceof CliError) return { out, error };
    throw error;
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-warden-org-cli-'));
  // The simulated clock at the real now: the CLI's sessions are refreshed by the real clock.
  sim = createRegistrySimulator({ accountId: HUB, asOf: Date.now() });
  aws = sim.install();
  const { identity, organizations } = sim.services;
  organizations.createOrganization({ id: ORG, managementAccountId: HUB, rootId: ROOT });
  organizations.addOrganizationalUnit({ id: OU, name: 'workloads', parentId: ROOT });
  for (const [id, name] of [
    [MEMBER, 'payments-prod'],
    [NO_ROLE, 'legacy-sandbox'],
    [WRONG_TRUST, 'misconfigured'],
  ] as const) {
    organizations.addAccount({ id, name, parentId: OU });
  }
  identity.createRole({ accountId: MEMBER, roleName: 'ecr-warden-member', principalOrgId: ORG });
  identity.createRole({
    accountId: WRONG_TRUST,
    roleName: 'ecr-warden-member',
    trustedRoleArns: ['arn:aws:iam::999999999999:role/someone-else'],
  });
  sim.addRepository('payments/api', { accountId: MEMBER });
  sim.pushImage({
    accountId: MEMBER,
    repositoryName: 'payments/api',
    manifest: imageManifest({ seed: 'm1' }),
    tags: ['v1'],
  });
  sim.addRepository('hub/only');
});
afterEach(() => {
  aws.restore();
  rmSync(dir, { recursive: true, force: true });
});

describe('--account and --role on the live commands', () => {
  it('snapshot reads the member account through the member role named by the config', async () => {
    const output = join(dir, 'member.json');

    const { error, out } = await run([
      'snapshot',
      '--output',
      output,
      '--region',
      'us-east-1',
      '--account',
      MEMBER,
      '--config',
      listedConfig(),
    ]);

    expect(error).toBeNull();
    const snapshot: Json = JSON.parse(readFileSync(output, 'utf8'));
    expect(snapshot.account).toBe(MEMBER);
    expect(snapshot.repositories.map((entry: Json) => entry.repository.repositoryName)).toEqual([
      'payments/api',
    ]);
    expect(out).toContain(`account ${MEMBER}`);
    expect(aws.calls.count('AssumeRole')).toBe(1);
  });

  it('repositories audit reads the account a role ARN names', async () => {
    const { out } = await run([
      'repositories',
      'audit',
      '--config',
      listedConfig(),
      '--region',
      'us-east-1',
      '--role',
      `arn:aws:iam::${MEMBER}:role/ecr-warden-member`,
      '--output',
      'json',
    ]);

    const audit: Json = JSON.parse(out);
    expect(audit.account).toBe(MEMBER);
  });

  it('cleanup plan plans the member registry', async () => {
    const { error, out } = await run([
      'cleanup',
      'plan',
      '--config',
      listedConfig(),
      '--region',
      'us-east-1',
      '--account',
      MEMBER,
      '--output',
      'json',
    ]);

    expect(error).toBeNull();
    expect(JSON.parse(out).repositories.map((repository: Json) => repository.repositoryName)).toEqual([
      'payments/api',
    ]);
  });

  it('refuses a role that cannot be assumed in one line, exit 2, before reading anything', async () => {
    const { error } = await run([
      'inuse',
      'list',
      '--region',
      'us-east-1',
      '--account',
      NO_ROLE,
      '--role',
      'ecr-warden-member',
    ]);

    expect(error?.exitCode).toBe(2);
    expect(error?.message).toBe(
      `cannot assume arn:aws:iam::${NO_ROLE}:role/ecr-warden-member in account ${NO_ROLE} (AccessDenied): the role must exist and its trust policy must name your principal (and your organization, when it requires aws:PrincipalOrgID)`,
    );
    expect(aws.calls.count('ListClusters')).toBe(0);
  });

  it.each([
    [['--account', '12345'], '--account: "12345" is not a 12-digit AWS account id'],
    [
      ['--role', 'ecr-warden-member'],
      '--role ecr-warden-member is a role name: give --account ID too (or --role as an ARN)',
    ],
    [
      ['--account', MEMBER],
      '--account needs --role NAME|ARN, or --config FILE whose organization.memberRoleName names the role',
    ],
    [
      ['--account', MEMBER, '--role', 'has space'],
      '--role: "has space" is neither an IAM role name (1-64 of letters, digits and +=,.@_-) nor a role ARN',
    ],
    [
      ['--account', HUB, '--role', `arn:aws:iam::${MEMBER}:role/r`],
      `--role arn:aws:iam::${MEMBER}:role/r is a role of account ${MEMBER}, not of --account ${HUB}`,
    ],
    [
      ['--role', 'arn:aws:s3:::bucket'],
      '--role: "arn:aws:s3:::bucket" is not an IAM role ARN such as arn:aws:iam::222222222222:role/ecr-warden-member',
    ],
  ])('refuses %j in one line, exit 2', async (flags, message) => {
    const { error } = await run(['replication', 'audit', '--region', 'us-east-1', ...flags]);

    expect(error?.exitCode).toBe(2);
    expect(error?.message).toBe(message);
    expect(aws.calls.count()).toBe(0);
  });

  it('findings gate refuses an image of another registry than --account reads', async () => {
    const { error } = await run([
      'findings',
      'gate',
      '--image',
      `${HUB}.dkr.ecr.us-east-1.amazonaws.com/payments/api:v1`,
      '--account',
      MEMBER,
      '--role',
      'ecr-warden-member',
    ]);

    expect(error?.message).toBe(`--image names registry ${HUB}, but --account/--role read account ${MEMBER}`);
    expect(aws.calls.count()).toBe(0);
  });

  it('findings report reads the member image’s scan through the member role', async () => {
    sim.setScan(
      'payments/api',
      { imageTag: 'v1' },
      { status: 'COMPLETE', completedAt: '2026-11-01T00:00:00Z', findings: [] },
      { accountId: MEMBER },
    );

    const { error, out } = await run([
      'findings',
      'report',
      '--repository',
      'payments/api',
      '--image',
      'v1',
      '--region',
      'us-east-1',
      '--account',
      MEMBER,
      '--role',
      'ecr-warden-member',
      '--output',
      'json',
    ]);

    expect(error).toBeNull();
    expect(JSON.parse(out).image).toMatchObject({ registryId: MEMBER, repositoryName: 'payments/api' });
    expect(aws.calls.count('DescribeImageScanFindings', { accountId: MEMBER })).toBe(1);
  });

  it('refuses --account with --snapshot: a snapshot is already one account', async () => {
    const { error } = await run([
      'inuse',
      'list',
      '--snapshot',
      join(dir, 'x.json'),
      '--account',
      MEMBER,
      '--role',
      'r',
    ]);

    expect(error?.message).toBe('--account and --role read a member account live: not with --snapshot');
  });

  it('refuses --account when the config has no organization section to name the role', async () => {
    const plain = writeConfig('plain.yml', 'cleanup: {}\n');

    const { error } = await run([
      'snapshot',
      '--output',
      join(dir, 's.json'),
      '--account',
      MEMBER,
      '--config',
      plain,
    ]);

    expect(error?.message).toBe(
      `--account needs --role NAME|ARN: config file ${plain} has no organization section`,
    );
  });

  const LIVE_COMMANDS: string[][] = [
    ['snapshot', '--output', '/dev/null'],
    ['cleanup', 'plan', '--config', 'CONFIG'],
    ['inuse', 'list'],
    ['findings', 'report', '--repository', 'payments/api', '--image', 'v1'],
    ['findings', 'gate', '--image', 'payments/api:v1'],
    ['replication', 'audit'],
    ['repositories', 'audit', '--config', 'CONFIG'],
  ];

  it('never fails otherwise than with one CliError line, whatever --account and --role hold', async () => {
    const config = listedConfig();
    const value = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        MEMBER,
        NO_ROLE,
        '0',
        'arn:aws:iam::333333333333:role/',
        `arn:aws:iam::${MEMBER}:role/ecr-warden-member`,
        'ecr-warden-member',
        '-x',
        '',
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LIVE_COMMANDS), value, value, async (command, account, role) => {
        const args = [
          ...command.map((part) => (part === 'CONFIG' ? config : part)),
          '--region',
          'us-east-1',
          `--account=${account}`,
          `--role=${role}`,
        ];
        const { error } = await run(args);
        if (error !== null) {
          expect([1, 2]).toContain(error.exitCode);
          expect(error.message).not.toContain('\n');
        }
      }),
      { seed: 20_261_204, numRuns: 60 },
    );
  });
});

describe('ecr-warden organization check', () => {
  it('lists every account × region: the hub with its own credentials, the member assumed, the others with why not; exit 1', async () => {
    const { out, error } = await run([
      'organization',
      'check',
      '--config',
      listedConfig(),
      '--region',
      'us-east-1',
      '--output',
      'json',
    ]);

    const report: Json = JSON.parse(out);
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toBe('4 of 8 account × region unreachable, 0 read(s) refused');
    expect(report.hubAccount).toBe(HUB);
    expect(report.targets.map((t: Json) => [t.account, t.region, t.reachable])).toEqual([
      [HUB, 'us-east-1', true],
      [HUB, 'eu-west-1', true],
      [MEMBER, 'us-east-1', true],
      [MEMBER, 'eu-west-1', true],
      [NO_ROLE, 'us-east-1', false],
      [NO_ROLE, 'eu-west-1', false],
      [WRONG_TRUST, 'us-east-1', false],
      [WRONG_TRUST, 'eu-west-1', false],
    ]);
    const member = report.targets[2];
    expect(member).toMatchObject({
      alias: 'payments-prod',
      roleArn: `arn:aws:iam::${MEMBER}:role/ecr-warden-member`,
      denied: [],
    });
    expect(member.allowed).toEqual([
      'ecr:DescribeRepositories',
      'ecr:DescribeRegistry',
      'ecr:GetRegistryScanningConfiguration',
      'ecs:ListClusters',
      'lambda:ListFunctions',
    ]);
    expect(report.targets[4]).toMatchObject({
      errorName: 'AccessDenied',
      roleArn: `arn:aws:iam::${NO_ROLE}:role/ecr-warden-member`,
    });
    expect(report.targets[4].reason).toContain(`arn:aws:iam::${NO_ROLE}:role/ecr-warden-member`);
    expect(report.targets[6].errorName).toBe('AccessDenied');
    expect(report.writes.find((w: Json) => w.action === 'ecr:BatchDeleteImage')).toMatchObject({
      granted: false,
      when: 'cleanup.rules is not empty and cleanup.dryRun is false',
    });
    // One AssumeRole per member account, whatever the number of regions.
    expect(aws.calls.count('AssumeRole')).toBe(3);
  });

  it('prints a table naming each account by alias and id', async () => {
    const { out } = await run(['organization', 'check', '--config', listedConfig(), '--region', 'us-east-1']);

    expect(out.split('\n')[0]).toBe(
      `4 of 8 account × region reachable (4 accounts, regions us-east-1, eu-west-1; hub ${HUB})`,
    );
    expect(out).toMatch(
      /payments-prod \(333333333333\) +us-east-1 +assumed +yes +can ecr:DescribeRepositories/,
    );
    expect(out).toMatch(/legacy-sandbox \(444444444444\) +eu-west-1 +not assumed +no +/);
    expect(out).toContain(
      'ecr:BatchDeleteImage (cleanup worker): not granted by the member template under this config',
    );
  });

  it('reads the accounts of an OU from Organizations and exits 0 when every one is reachable', async () => {
    sim.services.organizations.accounts.delete(NO_ROLE);
    sim.services.organizations.accounts.delete(WRONG_TRUST);
    const config = writeConfig(
      'ou.yml',
      `organization:\n  organizationalUnits: [${OU}]\n  regions: [us-east-1]\n  organizationId: ${ORG}\n`,
    );

    const { out, error } = await run([
      'organization',
      'check',
      '--config',
      config,
      '--region',
      'us-east-1',
      '--output',
      'json',
    ]);

    expect(error).toBeNull();
    const report: Json = JSON.parse(out);
    expect(report.targets.map((t: Json) => [t.account, t.alias, t.reachable])).toEqual([
      [MEMBER, 'payments-prod', true],
    ]);
    expect(report.targets[0].allowed).toEqual([
      'ecr:DescribeRepositories',
      'ecr:DescribeRegistry',
      'ecr:GetRegistryScanningConfiguration',
    ]);
  });

  it('refuses an OU that does not exist: exit 2, one line', async () => {
    const config = writeConfig(
      'missing.yml',
      'organization:\n  organizationalUnits: [ou-clit-notthere]\n  regions: [us-east-1]\n',
    );

    const { error } = await run(['organization', 'check', '--config', config, '--region', 'us-east-1']);

    expect(error?.exitCode).toBe(2);
    expect(error?.message).toBe(
      'OU ou-clit-notthere does not exist in the organization (ChildNotFoundException): fix organization.organizationalUnits',
    );
  });

  it('never fails otherwise than with one CliError line, whatever --region, --output and the config hold', async () => {
    const listed = listedConfig();
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('us-east-1', 'eu-west-1', 'json', 'table', ''),
    );
    const organization = fc.oneof(
      fc.constant(readFileSync(listed, 'utf8')),
      fc.string({ maxLength: 200 }).map((body) => `organization:\n${body}\n`),
      fc.constantFrom(
        'organization:\n  organizationalUnits: [r-zzzz]\n  regions: [us-east-1]\n',
        'organization:\n  accounts: ["1"]\n  regions: []\n',
        'organization: 5\n',
      ),
    );
    await fc.assert(
      fc.asyncProperty(text, text, organization, async (region, output, body) => {
        const config = writeConfig('fuzz.yml', body);
        const { error } = await run([
          'organization',
          'check',
          '--config',
          config,
          `--region=${region}`,
          `--output=${output}`,
        ]);
        if (error !== null) {
          expect([1, 2]).toContain(error.exitCode);
          expect(error.message).not.toContain('\n');
        }
      }),
      { seed: 20_261_204, numRuns: 40 },
    );
  });

  it('refuses a config without an organization section, and bad options, exit 2', async () => {
    const plain = writeConfig('plain.yml', 'cleanup: {}\n');

    const none = await run(['organization', 'check', '--config', plain]);
    const region = await run(['organization', 'check', '--config', plain, '--region', 'mars-1']);
    const output = await run(['organization', 'check', '--output', 'xml']);

    expect(none.error?.message).toBe(
      `config file ${plain} has no organization section: nothing to check (one account, one region)`,
    );
    expect(region.error?.message).toBe('--region: "mars-1" is not an AWS region such as us-east-1');
    expect(output.error?.message).toBe('--output must be "table" or "json", got "xml"');
    expect([none, region, output].map((result) => result.error?.exitCode)).toEqual([2, 2, 2]);
  });
});
