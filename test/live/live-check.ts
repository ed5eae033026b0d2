import { randomUUID } from 'node:crypto';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { createImageArchiver } from '../../shared/aws/image-archiver';
import { createImageDeleter } from '../../shared/aws/image-deleter';
import { createReplicationRegistryReader } from '../../shared/aws/replication-registry';
import { createRepositoryGuardRegistry } from '../../shared/aws/repository-guard-registry';
import { createRepositoryImageSource } from '../../shared/aws/repository-images';
import { cleanRepository, type RepositoryCleanupOutcome } from '../../shared/cleanup/clean-repository';
import type {
  CleanupRunProgress,
  CleanupRunProgressStore,
  GraceMarkStore,
} from '../../shared/cleanup/cleanup-ports';
import { parseConfig } from '../../shared/config/load-config';
import type { GovernanceEvent } from '../../shared/events/governance';
import { parseRepositoryGuardEvent } from '../../shared/events/repository-guard-events';
import { compileBaselines } from '../../shared/immutability/desired-state';
import type { DriftLedgerPort, DriftRecord, TagLedgerPort } from '../../shared/immutability/ports';
import { type ApiCallResult, createRepositoryGuard } from '../../shared/immutability/repository-guard';
import type { StructuredLogger } from '../../shared/logger';
import { buildTinyImage } from './tiny-image';
import { pushTinyImage } from './upload-image';

/**
 * The live check (`npm run test:aws`): ecr-warden's real ECR adapters and decision code against a real
 * account, on a temporary repository it creates and always deletes.
 *
 * 1. CreateRepository `ecr-warden-live-check/<random>` (MUTABLE tags), then push two tiny images through
 *    the layer-upload API (`old`, then `new`).
 * 2. The cleanup worker's plan and apply (cleanRepository, with the worker's ECR adapters) under a rule
 *    that keeps one image: the dry run plans to delete `old` and deletes nothing; the real run deletes
 *    it, and DescribeImages shows `new` alone.
 * 3. The repository guard on the CreateRepository call, with a rule asking for IMMUTABLE tags: in dry
 *    run it reports the drift and changes nothing; then it fixes it, and DescribeRepositories agrees.
 * 4. DescribeImageReplicationStatus of the image left (the replication audit's reader).
 * 5. Finally, whatever happened: DeleteRepository (force), and nothing of ours is left.
 *
 * It reads no ECS or Lambda (no workload can use an image pushed a minute ago), writes no DynamoDB table
 * and publishes no event: run progress, grace marks and ledgers are kept in memory.
 */
export interface LiveCheckDependencies {
  ecr: ECRClient;
  region: string;
  log: (line: string) => void;
  /** Waits between the two pushes, so that their push times differ. */
  pause: (ms: number) => Promise<void>;
  /** The repository to create (default: a random name under ecr-warden-live-check/). */
  repositoryName?: string;
}

export interface LiveCheckStep {
  step: string;
  ok: boolean;
  detail: string;
}

export interface LiveCheckReport {
  repositoryName: string;
  steps: LiveCheckStep[];
  /** The temporary repository is gone (or was never created). */
  cleanedUp: boolean;
  ok: boolean;
}

/** Thrown when a step's outcome is not the expected one. */
export class LiveCheckAssertionError extends Error {
  override name = 'LiveCheckAssertionError';
}

export async function runLiveCheck(deps: LiveCheckDependencies): Promise<LiveCheckReport> {
  const { ecr, log } = deps;
  const repositoryName = deps.repositoryName ?? `ecr-warden-live-check/${randomUUID().slice(0, 8)}`;
  const steps: LiveCheckStep[] = [];
  let created = false;
  let cleanedUp = false;
  const step = async (name: string, run: () => Promise<string>) => {
    try {
      const detail = await run();
      steps.push({ step: name, ok: true, detail });
      log(`ok   ${name}: ${detail}`);
    } catch (error) {
      const detail = `${(error as Error).name}: ${(error as Error).message}`;
      steps.push({ step: name, ok: false, detail });
      log(`FAIL ${name}: ${detail}`);
      throw error;
    }
  };

  try {
    let account = '';
    await step('create a temporary repository', async () => {
      const result = await ecr.send(
        new CreateRepositoryCommand({
          repositoryName,
          imageTagMutability: 'MUTABLE',
          tags: [{ Key: 'created-by', Value: 'ecr-warden-live-check' }],
        }),
      );
      created = true;
      account = result.repository?.registryId ?? '';
      expect(/^\d{12}$/.test(account), `CreateRepository returned the registry id ${account}`);
      return `${repositoryName} in ${account}/${deps.region}`;
    });

    const old = buildTinyImage(`${repositoryName} old`);
    const fresh = buildTinyImage(`${repositoryName} new`);
    await step('push two tiny images through the layer-upload API', async () => {
      await pushTinyImage(ecr, repositoryName, old, 'old');
      await deps.pause(1_100);
      await pushTinyImage(ecr, repositoryName, fresh, 'new');
      const tags = (await listImages(ecr, repositoryName)).map((image) => image.tags.join(',')).sort();
      expect(sameList(tags, ['new', 'old']), `DescribeImages lists the tags ${JSON.stringify(tags)}`);
      return `old ${short(old.imageDigest)}, new ${short(fresh.imageDigest)}`;
    });

    await step('cleanup plan (dry run): delete old, keep new, delete nothing', async () => {
      const outcome = await cleanOnce(ecr, deps.region, account, repositoryName, true);
      const planned = outcome.plan.delete.map((deletion) => deletion.imageDigest);
      expect(sameList(planned, [old.imageDigest]), `the plan deletes ${JSON.stringify(planned)}`);
      expect(
        outcome.deletions.calls === 0,
        `a dry run sent ${outcome.deletions.calls} BatchDeleteImage calls`,
      );
      const left = await listImages(ecr, repositoryName);
      expect(left.length === 2, `${left.length} images left after a dry run`);
      return `plan: delete ${short(old.imageDigest)}, keep ${short(fresh.imageDigest)}`;
    });

    await step('cleanup apply: old deleted, new kept', async () => {
      const outcome = await cleanOnce(ecr, deps.region, account, repositoryName, false);
      expect(
        sameList(outcome.deletions.deleted, [old.imageDigest]),
        `BatchDeleteImage deleted ${JSON.stringify(outcome.deletions.deleted)}`,
      );
      const left = (await listImages(ecr, repositoryName)).map((image) => image.digest);
      expect(sameList(left, [fresh.imageDigest]), `images left: ${JSON.stringify(left)}`);
      return `deleted ${short(old.imageDigest)} in ${outcome.deletions.calls} call(s)`;
    });

    await step('immutability check: drift reported in dry run, then fixed', async () => {
      const dry = await guardOnce(ecr, deps.region, account, repositoryName, true);
      expect(
        dry.status === 'checked' && dry.drifts === 1 && dry.wouldApply === 1,
        `dry run: ${JSON.stringify(dry)}`,
      );
      expect(
        (await tagMutability(ecr, repositoryName)) === 'MUTABLE',
        'a dry run changed the tag mutability',
      );
      const live = await guardOnce(ecr, deps.region, account, repositoryName, false);
      expect(live.status === 'checked' && live.applied === 1, `remediation: ${JSON.stringify(live)}`);
      const now = await tagMutability(ecr, repositoryName);
      expect(now === 'IMMUTABLE', `tag mutability after remediation: ${now}`);
      return 'MUTABLE reported (would apply), then set to IMMUTABLE';
    });

    await step('replication status read', async () => {
      const reader = createReplicationRegistryReader(deps.region, ecr);
      const statuses = await reader.imageReplicationStatuses(repositoryName, fresh.imageDigest);
      expect(Array.isArray(statuses), `DescribeImageReplicationStatus returned ${JSON.stringify(statuses)}`);
      return statuses === undefined || statuses.length === 0
        ? 'no replication destination for this repository'
        : statuses.map((status) => `${status.region} ${status.status}`).join(', ');
    });
  } catch {
    // Recorded by its step; the repository is deleted below all the same.
  } finally {
    if (created) {
      try {
        await ecr.send(new DeleteRepositoryCommand({ repositoryName, force: true }));
        cleanedUp = true;
        steps.push({ step: 'delete the temporary repository', ok: true, detail: repositoryName });
        log(`ok   delete the temporary repository: ${repositoryName}`);
      } catch (error) {
        const detail = `${(error as Error).name}: ${(error as Error).message}; delete ${repositoryName} by hand`;
        steps.push({ step: 'delete the temporary repository', ok: false, detail });
        log(`FAIL delete the temporary repository: ${detail}`);
      }
    } else {
      cleanedUp = true;
    }
  }
  return { repositoryName, steps, cleanedUp, ok: cleanedUp && steps.every((s) => s.ok) };
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new LiveCheckAssertionError(message);
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((value, index) => value === [...b].sort()[index]);
const short = (digest: string) => digest.slice(0, 19);

async function listImages(ecr: ECRClient, repositoryName: string) {
  const result = await ecr.send(new DescribeImagesCommand({ repositoryName }));
  return (result.imageDetails ?? []).map((image) => ({
    digest: image.imageDigest ?? '',
    tags: image.imageTags ?? [],
  }));
}

async function tagMutability(ecr: ECRClient, repositoryName: string) {
  const result = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
  return result.repositories?.[0]?.imageTagMutability;
}

/** One repository's cleanup as cleanupWorker runs it, with its ECR adapters and in-memory state. */
async function cleanOnce(
  ecr: ECRClient,
  region: string,
  account: string,
  repositoryName: string,
  dryRun: boolean,
): Promise<Extract<RepositoryCleanupOutcome, { kind: 'cleaned' }>> {
  const cleanup = parseConfig({
    cleanup: {
      dryRun,
      maxDeletionShare: 1,
      rules: [
        {
          repositories: [repositoryName],
          policy: {
            rules: [
              {
                rulePriority: 1,
                description: 'keep the newest image',
                selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
                action: { type: 'expire' },
              },
            ],
          },
        },
      ],
    },
  }).cleanup;
  const rule = cleanup.rules[0];
  if (rule === undefined) throw new Error('the live check cleanup rule is missing');
  const outcome = await cleanRepository(
    {
      repository: { repositoryName, registryId: account },
      location: { registryId: account, region, repositoryName },
      runId: `live-check-${dryRun ? 'plan' : 'apply'}`,
      rule: { index: 0, policy: rule.policy },
      cleanup,
      now: Date.now(),
    },
    {
      images: createRepositoryImageSource(ecr),
      deleter: createImageDeleter(ecr),
      archiver: createImageArchiver(ecr),
      inUsePicture: async () => ({ uses: [], failures: [] }),
      progress: memoryProgress(),
      marks: memoryMarks(),
    },
  );
  if (outcome.kind !== 'cleaned')
    throw new LiveCheckAssertionError(`cleanup found no repository ${repositoryName}`);
  return outcome;
}

/** The repository guard on the CreateRepository call CloudTrail would report for the repository. */
async function guardOnce(
  ecr: ECRClient,
  region: string,
  account: string,
  repositoryName: string,
  dryRun: boolean,
): Promise<ApiCallResult> {
  const immutability = parseConfig({
    immutability: { dryRun, rules: [{ repositories: [repositoryName], mode: 'IMMUTABLE', remediate: true }] },
  }).immutability;
  const published: GovernanceEvent[] = [];
  const guard = createRepositoryGuard(
    { account, region, dryRun, resolveBaseline: compileBaselines(immutability) },
    {
      registry: createRepositoryGuardRegistry(ecr),
      tagLedger: unusedTagLedger,
      driftLedger: memoryDriftLedger(),
      usage: { isInUse: async () => null },
      publisher: { publish: async (events) => void published.push(...events) },
      logger: silentLogger,
    },
  );
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const parsed = parseRepositoryGuardEvent({
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ecr',
    account,
    time,
    region,
    resources: [],
    detail: {
      eventSource: 'ecr.amazonaws.com',
      eventName: 'CreateRepository',
      eventTime: time,
      eventID: randomUUID(),
      awsRegion: region,
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${account}:assumed-role/ecr-warden-live-check/check`,
      },
      requestParameters: { repositoryName },
    },
  });
  if (parsed.kind !== 'api-call')
    throw new Error('the live check built a CloudTrail event the guard does not parse');
  const result = await guard.handleApiCall(parsed.event);
  if (result.status === 'checked' && published.length !== result.eventsPublished) {
    throw new LiveCheckAssertionError(
      `${published.length} events published, ${result.eventsPublished} reported`,
    );
  }
  return result;
}

function memoryProgress(): CleanupRunProgressStore {
  const records = new Map<string, CleanupRunProgress>();
  return {
    read: async (runId, repositoryName) => records.get(`${runId}#${repositoryName}`),
    start: async (runId, repositoryName, progress) =>
      !records.has(`${runId}#${repositoryName}`) &&
      Boolean(records.set(`${runId}#${repositoryName}`, progress)),
    write: async (runId, repositoryName, progress) =>
      void records.set(`${runId}#${repositoryName}`, progress),
  };
}

function memoryMarks(): GraceMarkStore {
  return { read: async () => new Map(), mark: async () => undefined, unmark: async () => undefined };
}

function memoryDriftLedger(): DriftLedgerPort {
  const records = new Map<string, DriftRecord[]>();
  return {
    read: async (name) => records.get(name) ?? [],
    write: async (name, record) =>
      void records.set(name, [
        ...(records.get(name) ?? []).filter((r) => r.baseline !== record.baseline),
        record,
      ]),
    remove: async (name, baseline) =>
      void records.set(
        name,
        (records.get(name) ?? []).filter((r) => r.baseline !== baseline),
      ),
  };
}

/** A CreateRepository check reads no tag ledger (only pushes and sweeps do). */
const unusedTagLedger: TagLedgerPort = new Proxy({} as TagLedgerPort, {
  get: (_, method) => () =>
    Promise.reject(new Error(`the live check does not keep a tag ledger (${String(method)})`)),
});

const silentLogger: StructuredLogger = { debug() {}, info() {}, warn() {}, error() {} };
