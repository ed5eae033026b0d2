import type { WorkloadImageUses, Workloads } from '../cleanup/workload-images';

/**
 * What composing the in-use sources needs (shared/inuse/in-use-sources.ts): the reads, implemented in
 * shared/aws/ and shared/kubernetes/, and the converters of the in-use model, both replaced in tests.
 */

export interface Place {
  account: string;
  region: string;
}

/** Where a read happens: the worker's own account (no credentials) or a workload account's role. */
export interface ReadPlace extends Place {
  /** Undefined in the worker's own account; else the workload role's session. */
  credentials?: AssumedCredentials;
}

/** What AssumeRole returned (the adapter caches it until it expires: one call per account per invocation). */
export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

/** A cluster as the config names it, resolved to where it is. */
export interface ClusterRef {
  /** The name as EKS knows it. */
  name: string;
  /** The name or ARN the config gave, used in reasons and source names. */
  label: string;
  place: ReadPlace;
}

/** The reads (I/O). Every one throws on failure: AccessDenied, throttling after retries, 401/403/5xx, timeouts. */
export interface InUseReaders {
  /** sts:AssumeRole of `arn:<partition>:iam::<account>:role/<roleName>` with the external id. */
  assumeRole(account: string, role: { roleName: string; externalId?: string }): Promise<AssumedCredentials>;
  readEcsWorkloads(place: ReadPlace): Promise<Workloads['ecs']>;
  readLambdaWorkloads(place: ReadPlace): Promise<Workloads['lambda']>;
  /** eks:ListClusters, every page. */
  listClusters(place: ReadPlace): Promise<string[]>;
  /** The cluster's objects as a `v1` `List` (kubectl's own output). */
  readClusterObjects(cluster: ClusterRef): Promise<unknown>;
  /** batch:DescribeJobDefinitions (status ACTIVE), `jobDefinitions[]` as the SDK returns them. */
  readBatchJobDefinitions(place: ReadPlace): Promise<unknown[]>;
  /** apprunner:ListServices + DescribeService, each `Service`. */
  readAppRunnerServices(place: ReadPlace): Promise<unknown[]>;
  /** s3:GetObject: the body as text and LastModified. */
  readExternalList(list: { bucket: string; key: string }): Promise<{ text: string; lastModified?: Date }>;
  /** inspector2:ListCoverage (AWS_ECR_CONTAINER_IMAGE), `coveredResources[]`. */
  readInspectorCoverage(place: ReadPlace): Promise<unknown[]>;
}

/**
 * The converters (pure): the SDK's and kubectl's shapes to image uses. The optional sources' may
 * answer a promise: their code is loaded when first used (shared/inuse/in-use-converters.ts).
 */
type Converted = WorkloadImageUses | Promise<WorkloadImageUses>;

export interface InUseConverters {
  /** ECS and Lambda; for a workload account the reasons carry its account and region. */
  workloadImageUses(workloads: Workloads, where: Place | undefined): WorkloadImageUses;
  kubernetesImageUses(cluster: string, list: unknown, where: Place | undefined): Converted;
  batchImageUses(jobDefinitions: unknown[], where: Place | undefined): Converted;
  appRunnerImageUses(services: unknown[], where: Place | undefined): Converted;
  /**
   * The text of an external list (`{source, generatedAt, images}`): its uses; throws when it is not
   * JSON or not the format, and when it is older than `maxAgeHours` (the list may no longer say what
   * runs).
   */
  parseExternalImageList(
    text: string,
    options: { source: string; maxAgeHours?: number; now: number },
  ): Converted;
  inspectorImageUses(coveredResources: unknown[], options: { now: number; inUseDays: number }): Converted;
}
