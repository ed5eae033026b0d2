import { type InstalledSimulator, type InstallOptions, installSimulator } from './adapter/install';
import { type BuiltManifest, blobDigest } from './data/manifests';
import {
  loadSampleDocument,
  type SampleDocument,
  type SampleIndex,
  snapshotWorld,
} from './data/sample-format';
import type { SimulatedClock } from './model/clock';
import { deepCopy } from './model/deep-copy';
import type {
  EcsContainerDefinition,
  EcsService,
  EcsState,
  EcsTask,
  EcsTaskDefinition,
  LaunchType,
} from './model/ecs';
import type { AddEksClusterInput, EksCluster, EksState } from './model/eks';
import type { LambdaFunction, LambdaState, LambdaVersion } from './model/lambda';
import type { ReplicationRule, ScanningConfiguration, ScanningRule } from './model/registry';
import type { RepositorySettings, RepositoryState, StoredImage } from './model/repository';
import type { ImageScan } from './model/scan';
import type { WorkloadServices } from './model/workload-services';
import { type PushResult, World, type WorldOptions } from './model/world';

export interface RegistrySimulatorOptions extends WorldOptions {
  /** Region the builder methods use when none is given (default us-east-1). */
  region?: string;
}

/** Where a builder call acts; both default to the simulator's account and region. */
export interface Location {
  region?: string;
  accountId?: string;
}

export interface RepositoryInput extends RepositorySettings, Location {
  createdAt?: Date | string;
  lifecyclePolicyText?: string;
  repositoryPolicyText?: string;
}

export interface PushImageInput extends Location {
  repositoryName: string;
  /** Manifest text, or a manifest built with the helpers in data/manifests. */
  manifest: string | BuiltManifest;
  mediaType?: string;
  /** Tags to put on the image, one PutImage each (none: pushed untagged). */
  tags?: readonly string[];
  /** Push at this time (the clock is set to it for the push, then put back). */
  pushedAt?: Date | string;
}

/**
 * A stateful, in-memory ECR (with the ECS and Lambda needed to know which images are in use) that
 * real SDK v3 clients talk to once `install()` has run. See local/registry-sim/README.md.
 */
export class RegistrySimulator {
  readonly world: World;
  readonly region: string;
  private installed: InstalledSimulator | undefined;

  constructor(options: RegistrySimulatorOptions = {}) {
    this.world = new World(options);
    this.region = options.region ?? 'us-east-1';
  }

  get accountId(): string {
    return this.world.defaultAccountId;
  }

  get clock(): SimulatedClock {
    return this.world.clock;
  }

  /**
   * Mocks ECRClient, ECSClient and LambdaClient (every instance, whenever created) so that they
   * answer from this simulator. Call `restore()` on the result when done (e.g. in afterEach).
   */
  install(options: InstallOptions = {}): InstalledSimulator {
    this.installed?.restore();
    this.installed = installSimulator(this.world, options);
    return this.installed;
  }

  /** The call log and faults of the current installation. */
  get calls(): InstalledSimulator['calls'] {
    return this.requireInstalled().calls;
  }

  get faults(): InstalledSimulator['faults'] {
    return this.requireInstalled().faults;
  }

  addRepository(name: string, input: RepositoryInput = {}): RepositoryState {
    const registry = this.world.registry(input.accountId ?? this.accountId, input.region ?? this.region);
    const createdAt =
      input.createdAt === undefined ? this.clock.nowMs() : new Date(input.createdAt).getTime();
    const repository = registry.createRepository(name, input, createdAt);
    if (input.lifecyclePolicyText !== undefined) {
      repository.lifecyclePolicy = { text: input.lifecyclePolicyText, lastEvaluatedAt: undefined };
    }
    repository.repositoryPolicy = input.repositoryPolicyText;
    return repository;
  }

  repository(name: string, at: Location = {}): RepositoryState {
    return this.world.registry(at.accountId ?? this.accountId, at.region ?? this.region).repository(name);
  }

  /** PutImage (with replication), once per tag. Returns the last push's result. */
  pushImage(input: PushImageInput): PushResult {
    const text = typeof input.manifest === 'string' ? input.manifest : input.manifest.manifest;
    const mediaType =
      input.mediaType ?? (typeof input.manifest === 'string' ? undefined : input.manifest.mediaType);
    const push = (tag: string | undefined) =>
      this.world.pushImage(
        input.accountId ?? this.accountId,
        input.region ?? this.region,
        input.repositoryName,
        {
          manifest: text,
          mediaType,
          tag,
        },
      );
    return this.at(input.pushedAt, () => {
      const tags = input.tags ?? [];
      let result: PushResult | undefined;
      for (const tag of tags.length === 0 ? [undefined] : tags) result = push(tag);
      return result as PushResult;
    });
  }

  image(
    repositoryName: string,
    id: { imageDigest?: string; imageTag?: string },
    at: Location = {},
  ): StoredImage {
    const image = this.repository(repositoryName, at).find(id);
    if (image === undefined) throw new Error(`${repositoryName}: no image ${JSON.stringify(id)}`);
    return image;
  }

  /** Records a scan result (basic `findings` or enhanced `enhancedFindings`) for an image. */
  setScan(
    repositoryName: string,
    id: { imageDigest?: string; imageTag?: string },
    scan: ImageScan,
    at: Location = {},
  ): void {
    this.image(repositoryName, id, at).scan = deepCopy(scan);
  }

  setReplicationRules(rules: readonly ReplicationRule[], at: Location = {}): void {
    this.world.registry(at.accountId ?? this.accountId, at.region ?? this.region).setReplicationRules(rules);
  }

  setScanningConfiguration(
    scanType: 'BASIC' | 'ENHANCED',
    rules: readonly ScanningRule[],
    at: Location = {},
  ): ScanningConfiguration {
    return this.world
      .registry(at.accountId ?? this.accountId, at.region ?? this.region)
      .setScanning(scanType, rules);
  }

  /** The simulated ECS of an account and region (the model: clusters, services, tasks, task definitions). */
  ecs(at: Location = {}): EcsState {
    return this.world.ecs(at.accountId ?? this.accountId, at.region ?? this.region);
  }

  /** STS and IAM roles, S3, and per account and region Batch, App Runner and Inspector coverage. */
  get services(): WorkloadServices {
    return this.world.services;
  }

  /** The simulated Lambda of an account and region. */
  lambda(at: Location = {}): LambdaState {
    return this.world.lambda(at.accountId ?? this.accountId, at.region ?? this.region);
  }

  /** The simulated EKS of an account and region (clusters and their access entries). */
  eks(at: Location = {}): EksState {
    return this.world.eks(at.accountId ?? this.accountId, at.region ?? this.region);
  }

  /** An EKS cluster whose endpoint and CA are, typically, a Kubernetes API stand-in's. */
  addEksCluster(
    input: Omit<AddEksClusterInput, 'createdAt'> & { createdAt?: Date | string } & Location,
  ): EksCluster {
    return this.eks(input).addCluster({ ...input, createdAt: this.timeOf(input.createdAt) });
  }

  registerTaskDefinition(
    input: {
      family: string;
      containers: readonly EcsContainerDefinition[];
      registeredAt?: Date | string;
    } & Location,
  ): EcsTaskDefinition {
    return this.ecs(input).registerTaskDefinition({
      family: input.family,
      containerDefinitions: input.containers,
      registeredAt: this.timeOf(input.registeredAt),
    });
  }

  /** Creates a service (cluster created if missing) and starts `runningTasks` tasks of it. */
  createService(
    input: {
      cluster: string;
      serviceName: string;
      taskDefinition: string;
      desiredCount?: number;
      runningTasks?: number;
      launchType?: LaunchType;
      createdAt?: Date | string;
    } & Location,
  ): EcsService {
    const ecs = this.ecs(input);
    ecs.addCluster(input.cluster);
    const createdAt = this.timeOf(input.createdAt);
    const service = ecs.createService({
      cluster: input.cluster,
      serviceName: input.serviceName,
      taskDefinition: input.taskDefinition,
      desiredCount: input.desiredCount ?? input.runningTasks ?? 1,
      createdAt,
      ...(input.launchType === undefined ? {} : { launchType: input.launchType }),
      // The service revision records each image's digest as the simulated ECR resolves it now.
      resolveImage: (image) => this.resolveTaskImage(image),
    });
    this.runServiceTasks({
      ...input,
      count: input.runningTasks ?? service.desiredCount,
      startedAt: input.createdAt,
    });
    return service;
  }

  /** Deploys a new task definition to a service and starts `runningTasks` tasks of the new deployment. */
  deployService(
    input: {
      cluster: string;
      serviceName: string;
      taskDefinition: string;
      runningTasks?: number;
      at?: Date | string;
    } & Location,
  ): EcsService {
    const ecs = this.ecs(input);
    const deployment = ecs.deployService({
      cluster: input.cluster,
      serviceName: input.serviceName,
      taskDefinition: input.taskDefinition,
      at: this.timeOf(input.at),
      resolveImage: (image) => this.resolveTaskImage(image),
    });
    this.runServiceTasks({
      ...input,
      count: input.runningTasks ?? 1,
      startedAt: input.at,
      deploymentId: deployment.id,
    });
    return ecs.service(input.cluster, input.serviceName);
  }

  /** Starts tasks of a service's deployment; each container's digest is resolved in the simulated ECR now. */
  runServiceTasks(
    input: {
      cluster: string;
      serviceName: string;
      count: number;
      startedAt?: Date | string;
      deploymentId?: string;
    } & Location,
  ): EcsTask[] {
    return this.ecs(input).runServiceTasks({
      cluster: input.cluster,
      serviceName: input.serviceName,
      count: input.count,
      startedAt: this.timeOf(input.startedAt),
      ...(input.deploymentId === undefined ? {} : { deploymentId: input.deploymentId }),
      resolveImage: (image) => this.resolveTaskImage(image),
    });
  }

  /**
   * The digest ECS records for a container image: looked up in the simulated ECR for its private
   * registries; for images elsewhere (e.g. public.ecr.aws) a stable stand-in digest.
   */
  resolveTaskImage(image: string): string | undefined {
    if (/^\d{12}\.dkr\.ecr\./.test(image)) return this.world.resolveImageUri(image);
    return blobDigest(`external-image/${image}`);
  }

  /** A container-image function; Lambda resolves `imageUri` to its digest now (ResolvedImageUri). */
  createFunction(
    input: { functionName: string; imageUri: string; at?: Date | string } & Location,
  ): LambdaFunction {
    return this.lambda(input).createFunction({
      functionName: input.functionName,
      imageUri: input.imageUri,
      resolvedImageUri: this.resolvedImageUri(input.imageUri),
      at: this.timeOf(input.at),
    });
  }

  updateFunctionCode(input: { functionName: string; imageUri: string; at?: Date | string } & Location): void {
    this.lambda(input).updateFunctionCode(
      input.functionName,
      input.imageUri,
      this.resolvedImageUri(input.imageUri),
      this.timeOf(input.at),
    );
  }

  publishVersion(
    input: { functionName: string; at?: Date | string; description?: string } & Location,
  ): LambdaVersion {
    return this.lambda(input).publishVersion(input.functionName, this.timeOf(input.at), input.description);
  }

  /** Loads a sample document (default: local/sample-data/sample-registry.json); returns its index of planted situations. */
  loadSample(document?: SampleDocument, options: { asOf?: Date | string } = {}): SampleIndex {
    return loadSampleDocument(this.world, document, options);
  }

  /** The world as a sample document (dates relative to the clock's now). */
  snapshot(description = ''): SampleDocument {
    return snapshotWorld(this.world, description);
  }

  private resolvedImageUri(imageUri: string): string | undefined {
    const digest = this.world.resolveImageUri(imageUri);
    if (digest === undefined) return undefined;
    const repositoryUri = (imageUri.split('@')[0] ?? imageUri).replace(/:[^/]*$/, '');
    return `${repositoryUri}@${digest}`;
  }

  private timeOf(time: Date | string | undefined): number {
    return time === undefined ? this.clock.nowMs() : new Date(time).getTime();
  }

  private at<T>(time: Date | string | undefined, action: () => T): T {
    if (time === undefined) return action();
    const saved = this.clock.nowMs();
    this.clock.set(time);
    try {
      return action();
    } finally {
      this.clock.set(saved);
    }
  }

  private requireInstalled(): InstalledSimulator {
    if (this.installed === undefined) throw new Error('call install() first');
    return this.installed;
  }
}

export function createRegistrySimulator(options: RegistrySimulatorOptions = {}): RegistrySimulator {
  return new RegistrySimulator(options);
}
