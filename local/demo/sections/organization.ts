import { CliError } from '../../../cli/errors';
import type { OrganizationCheckReport, TargetCheck } from '../../../cli/organization-check';
import { checkLiveOrganization } from '../../../cli/organization-command';
import { loadGovernedDirectory } from '../../../shared/aws/governed-directory';
import { loadBundledConfig } from '../../../shared/config/bundled-config';
import type { EcrWardenConfig } from '../../../shared/config/schema';
import type { OrganizationConfig } from '../../../shared/config/schema-organization';
import { accountLabel } from '../../../shared/organization/governed-accounts';
import type { DemoSection } from './section';

/** A member role left from an old hub: it trusts that hub's role, not this one's. */
const STALE_ROLE_NAME = 'ecr-warden-member-stale';
const OLD_HUB_ROLE = 'arn:aws:iam::999999999999:role/ecr-warden-old-hub-cleanupWorker';
const RETIRED_OU = 'ou-ecrw-retired01';

/**
 * `ecr-warden organization check` on the demo organization (organization-world.ts), with the CLI's
 * own code against the simulated STS, Organizations, ECR, ECS and Lambda:
 * 1. the demo config: the hub with its own credentials, payments-prod through its member role (which
 *    requires aws:PrincipalOrgID o-ecrwarden01: the hub is in it), legacy-sandbox unreachable (no role);
 * 2. the same organization read from Organizations (`organizationalUnits`: the workloads OU): its two
 *    accounts, named by their Organizations names;
 * 3. bad input, each refused with its reason and nothing done: an OU that does not exist, and a member
 *    role that trusts another hub's role.
 * Each result is checked exactly: the section fails when the check says anything else.
 */
export const organizationSection: DemoSection = {
  title: 'Organizations hub: organization check (member roles, reads, OU listing, bad input)',
  async run(world) {
    const config = loadBundledConfig();
    const organization = requireOrganization(config);
    const { hubAccount, memberAccount, unreachableAccount, workloadsOu } = world.organization;
    const now = () => world.sim.clock.nowMs();

    // 1. The demo config's accounts.
    const report = await checkLiveOrganization(config, world.region, now);
    expectTargets(report, [
      [hubAccount, true],
      [memberAccount, true],
      [unreachableAccount, false],
    ]);
    const member = target(report, memberAccount);
    if (member.denied.length > 0)
      throw new Error(`payments-prod refused ${member.denied.map((d) => d.action).join(', ')}`);
    const unreachable = target(report, unreachableAccount);
    if (unreachable.errorName !== 'AccessDenied') {
      throw new Error(`legacy-sandbox should be refused AccessDenied, got ${unreachable.errorName}`);
    }

    // 2. The same accounts, read from Organizations.
    const { accounts: _listed, ...fromOrganizations } = organization;
    const ouConfig = withOrganization(config, { ...fromOrganizations, organizationalUnits: [workloadsOu] });
    const listed = await loadGovernedDirectory(ouConfig, {
      DEPLOYMENT_ACCOUNT_ID: hubAccount,
      AWS_REGION: world.region,
    });
    const listedIds = listed.directory.accounts.map((account) => account.id).sort();
    if (listedIds.join() !== [memberAccount, unreachableAccount].sort().join()) {
      throw new Error(
        `the workloads OU should list ${memberAccount} and ${unreachableAccount}, got ${listedIds.join(', ')}`,
      );
    }

    // 3. Bad input.
    const missingOu = await refusal(() =>
      checkLiveOrganization(
        withOrganization(config, { ...fromOrganizations, organizationalUnits: [RETIRED_OU] }),
        world.region,
        now,
      ),
    );
    if (!missingOu.startsWith(`OU ${RETIRED_OU} does not exist in the organization`)) {
      throw new Error(`the retired OU should be refused as missing, got: ${missingOu}`);
    }
    world.sim.services.identity.createRole({
      accountId: memberAccount,
      roleName: STALE_ROLE_NAME,
      trustedRoleArns: [OLD_HUB_ROLE],
    });
    const stale = await checkLiveOrganization(
      withOrganization(config, {
        ...organization,
        accounts: [memberAccount],
        memberRoleName: STALE_ROLE_NAME,
      }),
      world.region,
      now,
    );
    expectTargets(stale, [[memberAccount, false]]);
    const staleTarget = target(stale, memberAccount);

    const lines = [
      `Demo config: ${report.summary.reachable} of ${report.summary.targets} account × region reachable (hub ${hubAccount}, organization ${organization.organizationId ?? 'unnamed'})`,
      ...report.targets.map(describeTarget),
      'Writes the member template grants under the demo config (not probed):',
      ...report.writes.map(
        (write) => `  ${write.granted ? 'granted    ' : 'not granted'} ${write.action} (${write.usedBy})`,
      ),
      `Read from Organizations (organizationalUnits: [${workloadsOu}]): ${listed.directory.accounts.map(accountLabel).join(', ')}`,
      'Refused, nothing done:',
      `  organizationalUnits: [${RETIRED_OU}]: ${missingOu}`,
      `  memberRoleName ${STALE_ROLE_NAME} (trusts ${OLD_HUB_ROLE}): ${staleTarget.reason}`,
    ];
    return {
      lines,
      json: {
        report,
        organizationListing: listed.directory.accounts,
        refused: { missingOu, staleRole: { roleArn: staleTarget.roleArn, reason: staleTarget.reason } },
      },
    };
  },
};

function requireOrganization(config: EcrWardenConfig): OrganizationConfig {
  if (config.organization === undefined) throw new Error('the demo config has no organization section');
  return config.organization;
}

function withOrganization(config: EcrWardenConfig, organization: OrganizationConfig): EcrWardenConfig {
  return { ...config, organization };
}

function target(report: OrganizationCheckReport, account: string): TargetCheck {
  const found = report.targets.find((entry) => entry.account === account);
  if (found === undefined) throw new Error(`organization check did not list ${account}`);
  return found;
}

function expectTargets(
  report: OrganizationCheckReport,
  expected: readonly (readonly [string, boolean])[],
): void {
  const got = report.targets.map((entry) => `${entry.account}:${entry.reachable}`).join(', ');
  const want = expected.map(([account, reachable]) => `${account}:${reachable}`).join(', ');
  if (got !== want) throw new Error(`organization check: expected ${want}, got ${got}`);
}

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  throw new Error('expected organization check to refuse the config');
}

function describeTarget(entry: TargetCheck): string {
  const who = accountLabel({ id: entry.account, alias: entry.alias });
  if (!entry.reachable) return `  ${who} ${entry.region}: UNREACHABLE: ${entry.reason}`;
  const how = entry.roleArn === null ? 'own credentials' : `through ${entry.roleArn}`;
  return `  ${who} ${entry.region}: reachable ${how}; can ${entry.allowed.join(', ')}`;
}
