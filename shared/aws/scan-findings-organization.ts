import { ECRClient } from '@aws-sdk/client-ecr';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import type { EcrWardenConfig } from '../config/schema';
import type { GovernanceEventSink } from '../events/governance';
import type { TargetMessage } from '../events/target-message';
import {
  type GovernedPlace,
  isHome,
  type PlaceDependencies,
  PlaceUnreachableError,
  type ScanFindingsHub,
  type ScanFindingsOrganization,
} from '../findings/scan-findings-hub';
import type { ImageScanSource } from '../findings/scan-findings-service';
import { createScanningPolicy, type ScanningPolicy } from '../findings/scanning-policy';
import type { StructuredLogger } from '../logger';
import type { AccountReachabilityMetrics } from '../metrics/account-reachability-metrics';
import {
  createAccountUnreachableReporter,
  targetUnreachableCause,
} from '../organization/account-unreachable';
import type { RegistryPlace } from '../state/state-keys';
import { createFindingsLedgerStore } from './findings-ledger-store';
import { type DeploymentLocation, type GovernedDirectory, loadGovernedDirectory } from './governed-directory';
import { createIdempotencyGuard } from './idempotency';
import {
  createMemberAccountAccess,
  type MemberAccountAccess,
  MemberAccountUnreachableError,
} from './member-account-access';
import { createScanFindingsReader } from './scan-findings-reader';
import { createQueueSender } from './sqs-batch-sender';
import type { StateStore } from './state-store';

/**
 * scanFindings' Organizations hub (issue 15), opened once per invocation: the governed directory
 * (shared/aws/governed-directory.ts; an OU listing is cached by its reader for the execution
 * environment), one MemberAccountAccess (one AssumeRole per member account per invocation, shared by
 * every region and image), and per governed account × region the ledger, the scan reader and the policy.
 *
 * In a member account scanFindings calls one action, `ecr:DescribeImageScanFindings`, through the
 * member role (`sts:AssumeRole` on `arn:<partition>:iam::<account>:role/<memberRoleName>` from the
 * hub); the hub's own account is read with the function's own role in every governed region.
 */

export interface ScanFindingsOrganizationSettings {
  config: Pick<EcrWardenConfig, 'organization' | 'scanning'>;
  location: DeploymentLocation;
  store: StateStore;
  /** The ecr-warden bus (Account Unreachable). */
  publisher: GovernanceEventSink;
  /** The function's target queue (TARGET_QUEUE_URL): the digest's one message per account × region. */
  targetQueueUrl: string;
  /** AccountsUnreachable (shared/metrics/account-reachability-metrics.ts). */
  metrics: AccountReachabilityMetrics;
  logger: StructuredLogger;
  /** Replaces the directory choice (tests, the local mode); default loadGovernedDirectory. */
  loadDirectory?: () => Promise<GovernedDirectory>;
  sts?: STSClient;
  sqs?: SQSClient;
  /** The own registry's reader (the module's ECR client), as without `organization`. */
  homeScans?: ImageScanSource;
  /** The function's clock (the demo's is the sample's date): sessions expire by it. */
  now?: () => Date;
}

export function createScanFindingsOrganization(
  settings: ScanFindingsOrganizationSettings,
): ScanFindingsOrganization {
  const organization = settings.config.organization;
  if (organization === undefined)
    throw new Error('createScanFindingsOrganization needs an organization section');
  const home: RegistryPlace = {
    account: settings.location.DEPLOYMENT_ACCOUNT_ID,
    region: settings.location.AWS_REGION,
  };
  const loadDirectory =
    settings.loadDirectory ?? (() => loadGovernedDirectory(settings.config, settings.location));
  const targets = createQueueSender<TargetMessage>({
    queueUrl: settings.targetQueueUrl,
    serialize: (message) => JSON.stringify(message),
    ...(settings.sqs === undefined ? {} : { client: settings.sqs }),
  });
  const homeScans = settings.homeScans ?? createScanFindingsReader();
  const reporter = (scope: 'vulnerability-alert' | 'vulnerability-digest') =>
    createAccountUnreachableReporter({
      guard: createIdempotencyGuard({ store: settings.store }),
      publisher: settings.publisher,
      metrics: settings.metrics,
      logger: settings.logger,
      scope,
      hubRegion: home.region,
    });
  const eventReporter = reporter('vulnerability-alert');
  const digestReporter = reporter('vulnerability-digest');
  // The policy of an account depends on config and directory only: built once per account and environment.
  const policies = new Map<string, ScanningPolicy>();

  return {
    async open(): Promise<ScanFindingsHub> {
      const { directory, regions } = await loadDirectory();
      const access = createMemberAccountAccess({
        hubAccount: home.account,
        hubRegion: home.region,
        memberRoleName: organization.memberRoleName,
        functionName: 'scanFindings',
        ...(settings.sts === undefined ? {} : { sts: settings.sts }),
        ...(settings.now === undefined ? {} : { now: () => (settings.now as () => Date)().getTime() }),
      });
      const hub: ScanFindingsHub = {
        home,
        directory,
        regions,
        at(target: GovernedPlace): PlaceDependencies {
          const place = { account: target.account.id, region: target.region };
          const own = isHome(hub, place);
          let policy = policies.get(target.account.id);
          if (policy === undefined) {
            policy = createScanningPolicy(settings.config.scanning, target.account);
            policies.set(target.account.id, policy);
          }
          return {
            ledger: createFindingsLedgerStore(settings.store, own ? undefined : place),
            scans: own ? homeScans : memberScans(access, place),
            policy,
          };
        },
        checkReachable: (account) => checkReachable(access, account),
        async sendTargets(messages) {
          const undelivered = await targets.sendAll(messages);
          if (undelivered.length > 0) {
            const first = undelivered[0];
            throw new Error(
              `${undelivered.length} of ${messages.length} digest target messages could not be queued (${first?.code}: ${first?.reason})`,
            );
          }
        },
        reportUnreachable: (target) =>
          // Digest reports under the digest's idempotency scope, events' under the alerts'.
          (target.work === 'event' ? eventReporter : digestReporter).report(target),
      };
      return hub;
    },
  };
}

async function checkReachable(access: MemberAccountAccess, account: string): Promise<void> {
  try {
    await access.check(account);
  } catch (error) {
    if (error instanceof MemberAccountUnreachableError) {
      throw new PlaceUnreachableError(
        account,
        undefined,
        { kind: 'role', roleArn: error.roleArn, reason: error.reason, errorName: error.errorName },
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * DescribeImageScanFindings in a governed account × region: the member session first (so that a role
 * that cannot be assumed is reported as such, not as an SDK credential error), then the read; a region
 * that refuses the session or does not answer, or a denial (an SCP, a member role without the action),
 * is reported unreachable too (targetUnreachableCause). Any other error fails the event as it would in
 * one account.
 */
function memberScans(access: MemberAccountAccess, place: RegistryPlace): ImageScanSource {
  const reader = createScanFindingsReader(access.client(ECRClient, place.account, place.region));
  return {
    async read(request) {
      await checkReachable(access, place.account);
      try {
        return await reader.read(request);
      } catch (error) {
        const unreachable = targetUnreachableCause(error, {
          ...place,
          roleArn: access.roleArn(place.account),
          action: 'ecr:DescribeImageScanFindings',
        });
        if (unreachable === undefined) throw error;
        throw new PlaceUnreachableError(place.account, place.region, unreachable, { cause: error });
      }
    },
  };
}
