import { formatIssuePath } from '../config/config-error';
import { inUseSnapshotFields, readSnapshotInUse, type SnapshotInUse } from '../inuse/snapshot-sources';
import {
  IMAGE_STATUSES,
  type ImageDetail,
  type ImageRecord,
  toEpochMillis,
  toImageRecord,
} from '../inventory/image-details';
import { indexChildren, isIndexMediaType, ManifestError } from '../inventory/manifests';
import * as z from '../zod';
import { SnapshotError, type SnapshotIssue } from './snapshot-error';
import type { Workloads } from './workload-images';

/**
 * A snapshot: what ecr-warden needs to plan a cleanup of a registry, taken at one moment and written
 * to a file (`ecr-warden snapshot`, or assembled by hand from the AWS CLI's own output). A contract:
 * fields are added, never renamed.
 *
 * ```
 * { "snapshotVersion": 1, "account": "123456789012", "region": "us-east-1", "takenAt": <timestamp>,
 *   "repositories": [{
 *     "repository": <a describe-repositories `repositories[]` entry>,
 *     "lifecyclePolicyText": <get-lifecycle-policy `lifecyclePolicyText`, when the repository has one>,
 *     "images": [<describe-images `imageDetails[]` entries, every storage class (--filter imageStatus=ANY)>],
 *     "manifests": {<digest>: <batch-get-image `images[].imageManifest`, at least of every index>} }],
 *   "ecs": { "tasks": [<describe-tasks `tasks[]`>], "services": [<describe-services `services[]`>],
 *            "taskDefinitions": [<describe-task-definition `taskDefinition`>] },
 *   "lambda": { "functions": [<get-function output, one per version or alias>] },
 *   "kubernetes": [...], "workloadAccounts": [...], "external": [...] }
 * ```
 *
 * `kubernetes`, `workloadAccounts` and `external` (issue 14) are described in
 * shared/inuse/snapshot-sources.ts.
 *
 * Timestamps are ISO 8601 strings (AWS CLI v2) or epoch seconds (v1). Every object accepts fields
 * beyond those read here, since AWS adds fields to its outputs. `ecs` and `lambda` may be empty or absent.
 *
 * What `repositories audit` and `replication audit` read besides, all optional (absent: not known):
 * per repository `repositoryPolicyText` (get-repository-policy `policyText`, null: none),
 * `scanningConfiguration` (a batch-get-repository-scanning-configuration `scanningConfigurations[]`
 * entry) and `replicationStatuses` ({<digest>: describe-image-replication-status `replicationStatuses`});
 * per region `replicationConfiguration` (describe-registry's) and `registryScanningConfiguration`
 * (get-registry-scanning-configuration `scanningConfiguration`); and `regions`, more regions of the
 * same account, each `{ "region", "repositories", "replicationConfiguration", "registryScanningConfiguration" }`.
 */

export const SNAPSHOT_VERSION = 1;

const TIMESTAMP_PROBLEM = 'expected an ISO 8601 timestamp or epoch seconds';

const timestamp = z
  .union([z.string(), z.number()], { error: TIMESTAMP_PROBLEM })
  .check(z.refine((value) => isTimestamp(value), TIMESTAMP_PROBLEM));

const optionalString = z.optional(z.string());

// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
const imageDetailSchema = z.looseObject({
  registryId: optionalString,
  repositoryName: optionalString,
  imageDigest: z.string().check(z.minLength(1, 'must not be empty')),
  imageTags: z.optional(z.array(z.string())),
  imageSizeInBytes: z.optional(z.number().check(z.gte(0, 'must be >= 0'))),
  imagePushedAt: timestamp,
  lastRecordedPullTime: z.optional(timestamp),
  imageManifestMediaType: optionalString,
  artifactMediaType: optionalString,
  subjectManifestDigest: optionalString,
  imageStatus: z.optional(
    z.enum(IMAGE_STATUSES, { error: `expected ${IMAGE_STATUSES.join(', ')} (ECR's image statuses)` }),
  ),
  lastArchivedAt: z.optional(timestamp),
  lastActivatedAt: z.optional(timestamp),
});

// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Repository.html
const repositorySchema = z.looseObject({
  repositoryName: z.string().check(z.minLength(1, 'must not be empty')),
  repositoryArn: optionalString,
  registryId: optionalString,
  repositoryUri: optionalString,
  // What the audits read of the entry.
  createdAt: z.optional(timestamp),
  imageTagMutability: optionalString,
  imageTagMutabilityExclusionFilters: z.optional(
    z.array(z.looseObject({ filter: optionalString, filterType: optionalString })),
  ),
  encryptionConfiguration: z.optional(
    z.looseObject({ encryptionType: optionalString, kmsKey: optionalString }),
  ),
});

// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageReplicationStatus.html
const replicationStatusSchema = z.looseObject({
  region: z.string(),
  registryId: z.string(),
  status: z.string(),
  failureCode: optionalString,
});

const snapshotRepositorySchema = z.looseObject({
  repository: repositorySchema,
  lifecyclePolicyText: optionalString,
  images: z.array(imageDetailSchema),
  manifests: z._default(z.record(z.string(), z.string()), {}),
  repositoryPolicyText: z.optional(z.nullable(z.string())),
  scanningConfiguration: z.optional(z.looseObject({ scanFrequency: optionalString })),
  replicationStatuses: z.optional(z.record(z.string(), z.array(replicationStatusSchema))),
});

// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningConfiguration.html
const registrySettings = {
  replicationConfiguration: z.optional(
    z.looseObject({
      rules: z.array(
        z.looseObject({
          destinations: z.array(z.looseObject({ region: z.string(), registryId: z.string() })),
          repositoryFilters: z.optional(
            z.array(z.looseObject({ filter: z.string(), filterType: z.string() })),
          ),
        }),
      ),
    }),
  ),
  registryScanningConfiguration: z.optional(z.looseObject({ scanType: optionalString })),
};

const ecsTaskSchema = z.looseObject({
  taskArn: optionalString,
  clusterArn: optionalString,
  group: optionalString,
  lastStatus: optionalString,
  taskDefinitionArn: optionalString,
  containers: z.optional(
    z.array(z.looseObject({ name: optionalString, image: optionalString, imageDigest: optionalString })),
  ),
});

const ecsServiceSchema = z.looseObject({
  serviceName: optionalString,
  serviceArn: optionalString,
  clusterArn: optionalString,
  status: optionalString,
  taskDefinition: optionalString,
  deployments: z.optional(
    z.array(z.looseObject({ id: optionalString, status: optionalString, taskDefinition: optionalString })),
  ),
});

// describe-task-definition prints `{"taskDefinition": {...}, "tags": [...]}`: the whole output is
// accepted too, and unwrapped.
// (`z.pipe(z.transform(...), schema)` is what classic zod's `z.preprocess` builds.)
const ecsTaskDefinitionSchema = z.pipe(
  z.transform((value: unknown) => {
    const wrapped = value as { taskDefinition?: unknown; family?: unknown } | null;
    return typeof wrapped?.taskDefinition === 'object' && wrapped.family === undefined
      ? wrapped.taskDefinition
      : value;
  }),
  z.looseObject({
    taskDefinitionArn: optionalString,
    family: z.string().check(z.minLength(1, 'must not be empty')),
    revision: z.int('must be a whole number').check(z.gte(1, 'must be >= 1')),
    status: optionalString,
    containerDefinitions: z._default(
      z.array(z.looseObject({ name: optionalString, image: optionalString })),
      [],
    ),
  }),
);

const lambdaFunctionSchema = z.looseObject({
  Configuration: z.optional(
    z.looseObject({
      FunctionName: optionalString,
      FunctionArn: optionalString,
      Version: optionalString,
      PackageType: optionalString,
    }),
  ),
  Code: z.optional(z.looseObject({ ImageUri: optionalString, ResolvedImageUri: optionalString })),
});

const accountSchema = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const regionSchema = z
  .string()
  .check(z.regex(/^[a-z]{2,}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'));
const ecsWorkloadsSchema = z.prefault(
  z.looseObject({
    tasks: z._default(z.array(ecsTaskSchema), []),
    services: z._default(z.array(ecsServiceSchema), []),
    taskDefinitions: z._default(z.array(ecsTaskDefinitionSchema), []),
  }),
  {},
);
const lambdaWorkloadsSchema = z.prefault(
  z.looseObject({ functions: z._default(z.array(lambdaFunctionSchema), []) }),
  {},
);

export const snapshotSchema = z.looseObject({
  snapshotVersion: z.literal(SNAPSHOT_VERSION, `must be ${SNAPSHOT_VERSION}`),
  account: accountSchema,
  region: regionSchema,
  takenAt: timestamp,
  repositories: z.array(snapshotRepositorySchema),
  ...registrySettings,
  regions: z.optional(
    z.array(
      z.looseObject({
        region: regionSchema,
        repositories: z.array(snapshotRepositorySchema),
        ...registrySettings,
      }),
    ),
  ),
  ecs: ecsWorkloadsSchema,
  lambda: lambdaWorkloadsSchema,
  ...inUseSnapshotFields({
    account: accountSchema,
    region: regionSchema,
    ecs: ecsWorkloadsSchema,
    lambda: lambdaWorkloadsSchema,
  }),
});

export type SnapshotDocument = z.output<typeof snapshotSchema>;

type RepositoryEntry = SnapshotDocument['repositories'][number];
type RegionEntry = NonNullable<SnapshotDocument['regions']>[number];

/** One repository of a snapshot, read for planning (and, with the optional fields, for the audits). */
export interface SnapshotRepository {
  /** The describe-repositories entry as given. */
  repository: RepositoryEntry['repository'];
  lifecyclePolicyText?: string;
  /** Every image, ACTIVATING ones included. */
  images: ImageRecord[];
  /** Index digest → the digests its manifest lists. */
  indexChildren: Map<string, string[]>;
  /** Where it is in the file: `repositories[3]`. */
  path: string;
  /** Absent: not recorded; null: the repository has none. */
  repositoryPolicyText?: string | null;
  scanningConfiguration?: RepositoryEntry['scanningConfiguration'];
  /** Digest → DescribeImageReplicationStatus `replicationStatuses`, for the images recorded. */
  replicationStatuses?: NonNullable<RepositoryEntry['replicationStatuses']>;
}

/** One region's registry in a snapshot: the top-level region, or a `regions[]` entry. */
export interface SnapshotRegistry {
  region: string;
  repositories: SnapshotRepository[];
  /** Absent: not recorded. */
  replicationConfiguration?: RegionEntry['replicationConfiguration'];
  registryScanningConfiguration?: RegionEntry['registryScanningConfiguration'];
}

export interface Snapshot {
  account: string;
  region: string;
  /** Epoch milliseconds. */
  takenAt: number;
  /** The repositories of `region`, as `registries[0]`. */
  repositories: SnapshotRepository[];
  /** Every region the snapshot holds, `region` first. */
  registries: SnapshotRegistry[];
  workloads: Workloads;
  /** Kubernetes clusters, workload accounts and external lists (shared/inuse/snapshot-sources.ts). */
  inUse: SnapshotInUse;
}

// The snapshot's error is in a file of its own: the worker's policy resolution throws it without
// bundling the snapshot reader (./repository-policy.ts).
export { formatSnapshotIssue, SnapshotError, type SnapshotIssue } from './snapshot-error';

/**
 * Validates a parsed snapshot document and reads it for planning. Throws a SnapshotError listing
 * every issue: shape first; then, on a well-formed document, what only the whole can show (a
 * repository listed twice, an image listed twice, an index whose manifest is missing or unreadable).
 */
export function readSnapshot(document: unknown): Snapshot {
  const parsed = snapshotSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) throw new SnapshotError(parsed.error.issues.map(toSnapshotIssue));
  const data = parsed.data;
  const issues: SnapshotIssue[] = [];
  const regions = new Map<string, string>([[data.region, 'region']]);
  const registries = [
    readRegistry(data, '', issues),
    ...(data.regions ?? []).map((entry, index) => {
      const path = `regions[${index}]`;
      const first = regions.get(entry.region);
      if (first !== undefined)
        issues.push({ path: `${path}.region`, message: `"${entry.region}" is also ${first}` });
      else regions.set(entry.region, `${path}.region`);
      return readRegistry(entry, `${path}.`, issues);
    }),
  ];
  const takenAt = toEpochMillis(data.takenAt, 'takenAt');
  const inUse = readSnapshotInUse(data, takenAt);
  issues.push(...inUse.issues);
  if (issues.length > 0) throw new SnapshotError(issues);

  return {
    account: data.account,
    region: data.region,
    takenAt,
    repositories: registries[0]?.repositories ?? [],
    registries,
    workloads: { ecs: data.ecs, lambda: data.lambda },
    inUse: inUse.inUse,
  };
}

function readRegistry(entry: RegionEntry, prefix: string, issues: SnapshotIssue[]): SnapshotRegistry {
  const names = new Map<string, number>();
  const repositories = entry.repositories.map((repositoryEntry, r) => {
    const path = `${prefix}repositories[${r}]`;
    const name = repositoryEntry.repository.repositoryName;
    const first = names.get(name);
    if (first !== undefined) {
      issues.push({
        path: `${path}.repository.repositoryName`,
        message: `"${name}" is also ${prefix}repositories[${first}]`,
      });
    } else {
      names.set(name, r);
    }
    return readRepository(repositoryEntry, path, issues);
  });
  const registry: SnapshotRegistry = { region: entry.region, repositories };
  if (entry.replicationConfiguration !== undefined)
    registry.replicationConfiguration = entry.replicationConfiguration;
  if (entry.registryScanningConfiguration !== undefined)
    registry.registryScanningConfiguration = entry.registryScanningConfiguration;
  return registry;
}

function readRepository(entry: RepositoryEntry, path: string, issues: SnapshotIssue[]): SnapshotRepository {
  const digests = new Map<string, number>();
  const images: ImageRecord[] = [];
  entry.images.forEach((detail, i) => {
    const at = digests.get(detail.imageDigest);
    if (at !== undefined) {
      issues.push({ path: `${path}.images[${i}].imageDigest`, message: `also images[${at}]` });
      return;
    }
    digests.set(detail.imageDigest, i);
    images.push(toImageRecord(detail as ImageDetail, `${path}.images[${i}]`));
  });

  const children = new Map<string, string[]>();
  for (const [digest, manifest] of Object.entries(entry.manifests)) {
    try {
      const listed = indexChildren(manifest, digest);
      if (listed.length > 0) children.set(digest, listed);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      issues.push({
        path: `${path}.manifests["${digest}"]`,
        message: error.message.replace(`${digest}: `, ''),
      });
    }
  }
  entry.images.forEach((detail, i) => {
    if (
      isIndexMediaType(detail.imageManifestMediaType) &&
      entry.manifests[detail.imageDigest] === undefined
    ) {
      issues.push({
        path: `${path}.manifests`,
        message: `missing the manifest of index ${detail.imageDigest} (images[${i}]): without it its children are unknown`,
      });
    }
  });

  const repository: SnapshotRepository = {
    repository: entry.repository,
    images,
    indexChildren: children,
    path,
  };
  if (entry.lifecyclePolicyText !== undefined) repository.lifecyclePolicyText = entry.lifecyclePolicyText;
  if (entry.repositoryPolicyText !== undefined) repository.repositoryPolicyText = entry.repositoryPolicyText;
  if (entry.scanningConfiguration !== undefined)
    repository.scanningConfiguration = entry.scanningConfiguration;
  if (entry.replicationStatuses !== undefined) repository.replicationStatuses = entry.replicationStatuses;
  return repository;
}

function isTimestamp(value: string | number): boolean {
  try {
    toEpochMillis(value, '');
    return true;
  } catch {
    return false;
  }
}

function toSnapshotIssue(issue: z.core.$ZodIssue): SnapshotIssue {
  const path = formatIssuePath(issue.path);
  if (issue.code === 'unrecognized_keys') return { path, message: `unknown keys ${issue.keys.join(', ')}` };
  // A missing field is reported as such, whatever its schema would say of a wrong value.
  if (issue.input === undefined && issue.code !== 'custom') return { path, message: 'is required' };
  return { path, message: issue.message };
}
