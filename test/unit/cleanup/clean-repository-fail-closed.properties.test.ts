// Fail closed, as a property (issue 14): whatever the repository, the policy, the grace period and the
// caps, and whichever sources fail and how, a repository whose in-use picture has a failed source
// loses nothing: no BatchDeleteImage, no UpdateImageStorageClass, no grace mark, no run record, and
// its report (live or dry run) says 0 deleted, held, and names every failed source.
import fc from 'fast-check';
import { type CleanRepositoryPorts, cleanRepository } from '../../../shared/cleanup/clean-repository';
import { buildCleanupReport } from '../../../shared/cleanup/cleanup-report';
import type { ImageUse } from '../../../shared/cleanup/workload-images';
import { parseConfig } from '../../../shared/config/load-config';
import { type InUseSource, readInUsePicture } from '../../../shared/inuse/in-use-picture';
import type { ImageDetail } from '../../../shared/inventory/image-details';
import type { LifecyclePolicy } from '../../../shared/lifecycle';
import { expireAnyPushedRule } from '../../support/lifecycle-policies';
import { DAY_MS, digestOf, NOW, OCI_MANIFEST } from './repository-builder';

const RUNS = { seed: 20_261_204, numRuns: 300 };
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const REPOSITORY = 'team/app';
const TAGS = ['v1', 'v2', 'latest', 'release-1', 'pr-7'];

const images = fc.uniqueArray(
  fc.record({
    name: fc.string({ minLength: 1, maxLength: 6 }),
    tags: fc.subarray(TAGS, { maxLength: 2 }),
    daysAgo: fc.integer({ min: 0, max: 90 }),
    archived: fc.boolean(),
  }),
  { minLength: 1, maxLength: 20, selector: (image) => image.name },
);

/** How a source fails: the shapes the SDK, a Kubernetes client and an external list give. */
const failure = fc.constantFrom(
  () =>
    Object.assign(new Error('User is not authorized'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    }),
  () =>
    Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    }),
  () => Object.assign(new Error('connect ETIMEDOUT 10.0.3.7:443'), { name: 'TimeoutError' }),
  () =>
    Object.assign(new Error('Unauthorized'), {
      name: 'KubernetesApiError',
      $metadata: { httpStatusCode: 401 },
    }),
  () => Object.assign(new Error('list generated 30 h ago (maxAgeHours 24)'), { name: 'StaleInUseListError' }),
  () => 'a thrown string',
);

const sourceNames = fc.uniqueArray(
  fc.constantFrom(
    `ecs:${ACCOUNT}/${REGION}`,
    `lambda:${ACCOUNT}/${REGION}`,
    'kubernetes:prod-eks',
    'kubernetes:payments@222222222222/us-east-1',
    'account:333333333333/eu-west-1',
    'batch:222222222222/us-east-1',
    'external:argocd-prod',
  ),
  { minLength: 1, maxLength: 7 },
);

const scenario = fc.record({
  images,
  sources: sourceNames.chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.record({
          name: fc.constant(name),
          fails: fc.option(failure, { nil: undefined }),
          // Indexes into the images: which ones this source shows in use (by digest or by tag).
          uses: fc.array(fc.record({ image: fc.nat(), byTag: fc.boolean() }), { maxLength: 3 }),
        }),
      ),
    ),
  ),
  forceFailure: fc.nat(),
  forcedFailure: failure,
  action: fc.constantFrom('expire', 'transition'),
  days: fc.integer({ min: 0, max: 30 }),
  dryRun: fc.boolean(),
  gracePeriodDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  keepAtLeast: fc.integer({ min: 0, max: 3 }),
  maxDeletionShare: fc.constantFrom(undefined, 0.5, 1),
  alreadyMarked: fc.boolean(),
});

function detailOf(image: { name: string; tags: string[]; daysAgo: number; archived: boolean }): ImageDetail {
  const detail: ImageDetail = {
    registryId: ACCOUNT,
    repositoryName: REPOSITORY,
    imageDigest: digestOf(image.name),
    imageSizeInBytes: 1_000_000,
    imagePushedAt: new Date(NOW - image.daysAgo * DAY_MS).toISOString(),
    imageManifestMediaType: OCI_MANIFEST,
    imageStatus: image.archived ? 'ARCHIVED' : 'ACTIVE',
  };
  if (image.tags.length > 0) detail.imageTags = [...image.tags];
  if (image.archived) detail.lastArchivedAt = new Date(NOW - 100 * DAY_MS).toISOString();
  return detail;
}

describe('cleanRepository with a failed in-use source', () => {
  it('deletes, archives, marks and records nothing, and reports the hold, whatever else is true', async () => {
    let wouldHaveActed = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const details = s.images.map(detailOf);
        // At least one source fails: the property is about that case.
        const forced = s.forceFailure % s.sources.length;
        const sources: InUseSource[] = s.sources.map((spec, i) => ({
          name: spec.name,
          read: async () => {
            const fails = spec.fails ?? (i === forced ? s.forcedFailure : undefined);
            if (fails !== undefined) throw fails();
            const uses: ImageUse[] = spec.uses.flatMap(({ image, byTag }) => {
              const target = details[image % details.length] as ImageDetail;
              const tag = target.imageTags?.[0];
              const reference = { registryId: ACCOUNT, region: REGION, repositoryName: REPOSITORY };
              return [
                {
                  reference:
                    byTag && tag !== undefined
                      ? { ...reference, tag }
                      : { ...reference, digest: target.imageDigest },
                  reason: { kind: 'in-use-lambda' as const, functionName: spec.name, qualifier: '$LATEST' },
                },
              ];
            });
            return { uses, warnings: [] };
          },
        }));
        const picture = await readInUsePicture(sources, { concurrency: 3 });

        const sent: string[] = [];
        const ports: CleanRepositoryPorts = {
          images: {
            listImages: async () => structuredClone(details),
            readManifests: async () => new Map(),
            readLifecyclePolicy: async () => undefined,
          },
          deleter: {
            deleteImages: async (_repository, digests) => {
              sent.push(`delete ${digests.length}`);
              return { deleted: [...digests], failures: [] };
            },
          },
          archiver: {
            archiveImage: async () => {
              sent.push('archive');
              return { archived: true, imageStatus: 'ARCHIVED' };
            },
          },
          inUsePicture: async () => picture,
          progress: {
            read: async () => undefined,
            start: async () => {
              sent.push('progress.start');
              return true;
            },
            write: async () => void sent.push('progress.write'),
          },
          marks: {
            read: async () =>
              new Map(s.alreadyMarked ? details.map((d) => [d.imageDigest, NOW - 90 * DAY_MS] as const) : []),
            mark: async () => void sent.push('marks.mark'),
            unmark: async () => void sent.push('marks.unmark'),
          },
        };
        const policy: LifecyclePolicy = parseConfig({
          cleanup: {
            rules: [
              {
                repositories: ['**'],
                policy: {
                  rules: [
                    {
                      ...expireAnyPushedRule(1, Math.max(1, s.days)),
                      action:
                        s.action === 'expire'
                          ? { type: 'expire' }
                          : { type: 'transition', targetStorageClass: 'archive' },
                    },
                  ],
                },
              },
            ],
          },
        }).cleanup.rules[0]?.policy as LifecyclePolicy;
        const cleanup = parseConfig({
          cleanup: {
            dryRun: s.dryRun,
            keepAtLeast: s.keepAtLeast,
            ...(s.maxDeletionShare === undefined ? {} : { maxDeletionShare: s.maxDeletionShare }),
            ...(s.gracePeriodDays === undefined ? {} : { gracePeriodDays: s.gracePeriodDays }),
          },
        }).cleanup;

        const request = {
          repository: { repositoryName: REPOSITORY, registryId: ACCOUNT },
          location: { registryId: ACCOUNT, region: REGION, repositoryName: REPOSITORY },
          runId: 'run-1',
          rule: { index: 0, policy },
          cleanup,
          now: NOW,
        };
        const outcome = await cleanRepository(request, ports);

        expect(picture.failures.length).toBeGreaterThan(0);
        expect(sent).toEqual([]);
        if (outcome.kind !== 'cleaned') throw new Error('the repository exists');
        expect(outcome.held).toBe(true);
        expect(outcome.deletions.deleted).toEqual([]);
        expect(outcome.transitions.archived).toEqual([]);
        const report = buildCleanupReport(outcome, { account: ACCOUNT, region: REGION });
        if (report.detailType !== 'Cleanup Report') throw new Error('a Cleanup Report');
        expect(report.detail.imagesDeleted).toBe(0);
        expect(report.detail.held).toBe(true);
        expect(report.detail.inUseSourceFailures?.map((f) => f.source).sort()).toEqual(
          picture.failures.map((f) => f.source).sort(),
        );

        // The same repository with the same uses and no failure: the hold is what stopped the run.
        const unheld = await cleanRepository(request, {
          ...ports,
          inUsePicture: async () => ({ uses: picture.uses, failures: [] }),
        });
        if (
          unheld.kind === 'cleaned' &&
          unheld.deletions.deleted.length + unheld.transitions.archived.length > 0
        ) {
          wouldHaveActed++;
        }
      }),
      RUNS,
    );
    // Not vacuous: in many of the scenarios a run without the failure deletes or archives something.
    expect(wouldHaveActed).toBeGreaterThan(RUNS.numRuns / 4);
  });
});
