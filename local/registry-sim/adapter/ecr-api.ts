import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  BatchGetRepositoryScanningConfigurationCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeImageReplicationStatusCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  type EnhancedImageScanFinding,
  GetLifecyclePolicyCommand,
  GetRegistryScanningConfigurationCommand,
  GetRepositoryPolicyCommand,
  type ImageDetail,
  type ImageIdentifier,
  ListImageReferrersCommand,
  ListImagesCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  PutRegistryScanningConfigurationCommand,
  PutReplicationConfigurationCommand,
  type Repository,
  SetRepositoryPolicyCommand,
  UpdateImageStorageClassCommand,
} from '@aws-sdk/client-ecr';
import { describeViolation, parseLifecyclePolicy } from '../../../shared/lifecycle';
import { deepCopy } from '../model/deep-copy';
import { isValidDigest } from '../model/manifest';
import { type PageLimits, paginate } from '../model/pagination';
import type { RegistryState, ScanningRule } from '../model/registry';
import {
  checkBatchSize,
  type EncryptionType,
  type ImageId,
  type RepositoryState,
  type StoredImage,
} from '../model/repository';
import { type EnhancedFinding, severityCounts } from '../model/scan';
import { serviceError } from '../model/simulated-error';
import { type CallContext, defineRoute, type Route } from './route';

// DescribeRepositories, DescribeImages, ListImages and DescribeImageScanFindings take maxResults
// 1-1000, default 100. https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
const ECR_PAGE: PageLimits = { min: 1, max: 1000, default: 100, errorCode: 'InvalidParameterException' };
// ListImageReferrers: maxResults 1-50, default 20.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImageReferrers.html
const REFERRERS_PAGE: PageLimits = { min: 1, max: 50, default: 20, errorCode: 'InvalidParameterException' };
// DescribeImages imageIds: 1-100; DescribeRepositories repositoryNames: 1-100.
const MAX_IDS = 100;
// BatchGetRepositoryScanningConfiguration: 1-25 repository names.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html
const MAX_SCANNING_CONFIGURATION_NAMES = 25;
// SetRepositoryPolicy: policyText up to 10,240 characters.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
const MAX_REPOSITORY_POLICY_LENGTH = 10_240;

const TAG_STATUSES = new Set(['TAGGED', 'UNTAGGED', 'ANY']);
const IMAGE_STATUSES = new Set(['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY']);

/** The registry a request addresses: `registryId` if given, else the caller's, in the client's region. */
function registryOf(context: CallContext, registryId: string | undefined): RegistryState {
  return context.world.registry(registryId ?? context.accountId, context.region);
}

function repositoryOf(
  context: CallContext,
  input: { registryId?: string; repositoryName?: string },
): RepositoryState {
  return registryOf(context, input.registryId).repository(input.repositoryName ?? '');
}

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
const isoDate = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));

/** Leaves out undefined members, as the SDK's deserializer does for absent fields. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function repositoryShape(repository: RepositoryState): Repository {
  const withExclusion = repository.imageTagMutability.endsWith('_WITH_EXCLUSION');
  return compact({
    repositoryArn: repository.arn,
    registryId: repository.registryId,
    repositoryName: repository.name,
    repositoryUri: repository.uri,
    createdAt: new Date(repository.createdAt),
    imageTagMutability: repository.imageTagMutability,
    imageTagMutabilityExclusionFilters: withExclusion
      ? repository.exclusionFilters.map((f) => ({ ...f }))
      : undefined,
    imageScanningConfiguration: { scanOnPush: repository.scanOnPush },
    encryptionConfiguration: compact({
      encryptionType: repository.encryptionType,
      kmsKey: repository.kmsKey,
    }),
  });
}

function imageDetail(repository: RepositoryState, image: StoredImage): ImageDetail {
  const scan = image.scan;
  return compact({
    registryId: repository.registryId,
    repositoryName: repository.name,
    imageDigest: image.digest,
    imageTags: image.tags.length > 0 ? [...image.tags] : undefined,
    imageSizeInBytes: image.sizeBytes,
    imagePushedAt: new Date(image.pushedAt),
    imageScanStatus:
      scan === undefined ? undefined : compact({ status: scan.status, description: scan.description }),
    imageScanFindingsSummary:
      scan === undefined || scan.completedAt === undefined
        ? undefined
        : compact({
            imageScanCompletedAt: isoDate(scan.completedAt),
            vulnerabilitySourceUpdatedAt: isoDate(scan.vulnerabilitySourceUpdatedAt),
            findingSeverityCounts: severityCounts(scan),
          }),
    imageManifestMediaType: image.mediaType,
    artifactMediaType: image.artifactMediaType,
    lastRecordedPullTime: date(image.lastPulledAt),
    subjectManifestDigest: image.subjectDigest,
    imageStatus: image.status,
    lastArchivedAt: date(image.lastArchivedAt),
    lastActivatedAt: date(image.lastActivatedAt),
  });
}

function checkFilter(filter: { tagStatus?: string; imageStatus?: string } | undefined) {
  const tagStatus = filter?.tagStatus ?? 'ANY';
  const imageStatus = filter?.imageStatus ?? 'ACTIVE';
  if (!TAG_STATUSES.has(tagStatus)) {
    throw serviceError('InvalidParameterException', `Invalid parameter at 'filter.tagStatus': ${tagStatus}`);
  }
  if (!IMAGE_STATUSES.has(imageStatus)) {
    throw serviceError(
      'InvalidParameterException',
      `Invalid parameter at 'filter.imageStatus': ${imageStatus}`,
    );
  }
  return { tagStatus, imageStatus };
}

/**
 * The images a listing shows: "If not specified, only images with ACTIVE status are returned."
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImagesFilter.html
 */
function listedImages(repository: RepositoryState, tagStatus: string, imageStatus: string): StoredImage[] {
  return repository
    .listImages()
    .filter(
      (image) =>
        (imageStatus === 'ANY' || image.status === imageStatus) &&
        (tagStatus === 'ANY' || (tagStatus === 'TAGGED') === image.tags.length > 0),
    );
}

function notFound(repository: RepositoryState, id: ImageIdentifier) {
  return serviceError(
    'ImageNotFoundException',
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
  );
}

function enhancedFinding(
  repository: RepositoryState,
  image: StoredImage,
  finding: EnhancedFinding,
): EnhancedImageScanFinding {
  const details = finding.packageVulnerabilityDetails;
  return compact({
    awsAccountId: finding.awsAccountId,
    description: finding.description,
    findingArn: finding.findingArn,
    firstObservedAt: isoDate(finding.firstObservedAt),
    lastObservedAt: isoDate(finding.lastObservedAt),
    updatedAt: isoDate(finding.updatedAt),
    packageVulnerabilityDetails: compact({
      ...details,
      cvss: details.cvss?.map((c) => ({ ...c })),
      vendorCreatedAt: isoDate(details.vendorCreatedAt),
      vendorUpdatedAt: isoDate(details.vendorUpdatedAt),
      vulnerablePackages: details.vulnerablePackages.map((p) => ({ ...p })),
    }),
    remediation: finding.remediation,
    resources: [
      {
        id: `arn:aws:ecr:${repository.region}:${repository.registryId}:repository/${repository.name}/${image.digest}`,
        type: 'AWS_ECR_CONTAINER_IMAGE',
        details: {
          awsEcrContainerImage: compact({
            imageHash: image.digest,
            imageTags: [...image.tags],
            pushedAt: new Date(image.pushedAt),
            registry: repository.registryId,
            repositoryName: repository.name,
            lastInUseAt: date(image.lastPulledAt),
          }),
        },
      },
    ],
    score: finding.score,
    scoreDetails: finding.scoreDetails,
    severity: finding.severity,
    status: finding.status,
    title: finding.title,
    type: finding.type,
    fixAvailable: finding.fixAvailable,
    exploitAvailable: finding.exploitAvailable,
  });
}

function requireImageId(id: ImageIdentifier | undefined): ImageId {
  if (id === undefined || (id.imageDigest === undefined && id.imageTag === undefined)) {
    throw serviceError(
      'InvalidParameterException',
      "Invalid parameter at 'imageId': a digest or a tag is required",
    );
  }
  return id;
}

export const ecrRoutes: readonly Route[] = [
  /**
   * DescribeRepositories: all repositories a page at a time, or those named (then without paging:
   * "This option cannot be used when you specify repositories with repositoryNames").
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
   */
  defineRoute('ecr', DescribeRepositoriesCommand, 'DescribeRepositories', (input, context) => {
    const registry = registryOf(context, input.registryId);
    if (input.repositoryNames !== undefined) {
      if (input.maxResults !== undefined || input.nextToken !== undefined) {
        throw serviceError(
          'InvalidParameterException',
          'maxResults and nextToken cannot be used with repositoryNames',
        );
      }
      if (input.repositoryNames.length < 1 || input.repositoryNames.length > MAX_IDS) {
        throw serviceError('InvalidParameterException', `repositoryNames must list 1 to ${MAX_IDS} names`);
      }
      return {
        repositories: input.repositoryNames.map((name) => repositoryShape(registry.repository(name))),
      };
    }
    const all = [...registry.repositories.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = paginate(all, input, {
      scope: `DescribeRepositories|${registry.accountId}|${registry.region}`,
      limits: ECR_PAGE,
      cursorOf: (repository) => repository.name,
    });
    return compact({ repositories: page.items.map(repositoryShape), nextToken: page.nextToken });
  }),

  defineRoute('ecr', CreateRepositoryCommand, 'CreateRepository', (input, context) => {
    const repository = registryOf(context, input.registryId).createRepository(
      input.repositoryName,
      {
        imageTagMutability: input.imageTagMutability,
        imageTagMutabilityExclusionFilters: input.imageTagMutabilityExclusionFilters,
        scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false,
        encryptionType: (input.encryptionConfiguration?.encryptionType ?? 'AES256') as EncryptionType,
        kmsKey: input.encryptionConfiguration?.kmsKey,
        resourceTags: input.tags?.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
      },
      context.now,
    );
    return { repository: repositoryShape(repository) };
  }),

  defineRoute('ecr', DeleteRepositoryCommand, 'DeleteRepository', (input, context) => {
    const repository = registryOf(context, input.registryId).deleteRepository(
      input.repositoryName ?? '',
      input.force === true,
    );
    return { repository: repositoryShape(repository) };
  }),

  /**
   * DescribeImages. Only ACTIVE images unless filter.imageStatus says otherwise; `imageIds` (1-100)
   * cannot be combined with maxResults or nextToken, and an id that names no image fails the call.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
   */
  defineRoute('ecr', DescribeImagesCommand, 'DescribeImages', (input, context) => {
    const repository = repositoryOf(context, input);
    const { tagStatus, imageStatus } = checkFilter(input.filter);
    if (input.imageIds !== undefined) {
      if (input.maxResults !== undefined || input.nextToken !== undefined) {
        throw serviceError(
          'InvalidParameterException',
          'maxResults and nextToken cannot be used when you specify images with imageIds',
        );
      }
      if (input.imageIds.length < 1 || input.imageIds.length > MAX_IDS) {
        throw serviceError('InvalidParameterException', `imageIds must list 1 to ${MAX_IDS} images`);
      }
      const details: ImageDetail[] = [];
      const seen = new Set<string>();
      for (const id of input.imageIds) {
        const image = repository.find(id);
        if (image === undefined) throw notFound(repository, id);
        if (seen.has(image.digest)) continue;
        seen.add(image.digest);
        details.push(imageDetail(repository, image));
      }
      return { imageDetails: details };
    }
    const page = paginate(listedImages(repository, tagStatus, imageStatus), input, {
      scope: `DescribeImages|${repository.arn}|${tagStatus}|${imageStatus}`,
      limits: ECR_PAGE,
      cursorOf: (image) => image.seq,
    });
    return compact({
      imageDetails: page.items.map((image) => imageDetail(repository, image)),
      nextToken: page.nextToken,
    });
  }),

  /**
   * ListImages: one entry per tag, and one (digest only) per untagged image.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImages.html
   */
  defineRoute('ecr', ListImagesCommand, 'ListImages', (input, context) => {
    const repository = repositoryOf(context, input);
    const { tagStatus, imageStatus } = checkFilter(input.filter);
    const entries: { cursor: string; id: ImageIdentifier }[] = [];
    for (const image of listedImages(repository, tagStatus, imageStatus)) {
      const seq = String(image.seq).padStart(10, '0');
      if (image.tags.length === 0) entries.push({ cursor: `${seq}:`, id: { imageDigest: image.digest } });
      for (const [i, tag] of image.tags.entries()) {
        entries.push({
          cursor: `${seq}:${String(i).padStart(5, '0')}`,
          id: { imageDigest: image.digest, imageTag: tag },
        });
      }
    }
    const page = paginate(entries, input, {
      scope: `ListImages|${repository.arn}|${tagStatus}|${imageStatus}`,
      limits: ECR_PAGE,
      cursorOf: (entry) => entry.cursor,
    });
    return compact({ imageIds: page.items.map((entry) => entry.id), nextToken: page.nextToken });
  }),

  /**
   * BatchGetImage: manifests of 1-100 images, with per-image failures. Reading a manifest counts as
   * a pull: ECR updates lastRecordedPullTime on BatchGetImage (aws/containers-roadmap#2390).
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html
   */
  defineRoute('ecr', BatchGetImageCommand, 'BatchGetImage', (input, context) => {
    const repository = repositoryOf(context, input);
    const ids = input.imageIds ?? [];
    checkBatchSize(ids.length);
    const images: {
      registryId: string;
      repositoryName: string;
      imageId: ImageIdentifier;
      imageManifest: string;
      imageManifestMediaType: string;
    }[] = [];
    const failures: {
      imageId: ImageIdentifier;
      failureCode:
        | 'ImageNotFound'
        | 'ImageTagDoesNotMatchDigest'
        | 'InvalidImageDigest'
        | 'MissingDigestAndTag';
      failureReason: string;
    }[] = [];
    for (const id of ids) {
      if (id.imageDigest === undefined && id.imageTag === undefined) {
        failures.push({
          imageId: { ...id },
          failureCode: 'MissingDigestAndTag',
          failureReason: 'Requested image id has neither a digest nor a tag',
        });
        continue;
      }
      if (id.imageDigest !== undefined && !isValidDigest(id.imageDigest)) {
        failures.push({
          imageId: { ...id },
          failureCode: 'InvalidImageDigest',
          failureReason: 'Invalid image digest',
        });
        continue;
      }
      const image = repository.find(id);
      if (image === undefined) {
        const mismatch =
          id.imageDigest !== undefined && id.imageTag !== undefined && repository.images.has(id.imageDigest);
        failures.push(
          mismatch
            ? {
                imageId: { ...id },
                failureCode: 'ImageTagDoesNotMatchDigest',
                failureReason: 'Invalid image tag for the image digest',
              }
            : {
                imageId: { ...id },
                failureCode: 'ImageNotFound',
                failureReason: 'Requested image not found',
              },
        );
        continue;
      }
      if (context.world.recordPulls) image.lastPulledAt = context.now;
      images.push({
        registryId: repository.registryId,
        repositoryName: repository.name,
        imageId: compact({ imageDigest: image.digest, imageTag: id.imageTag }),
        imageManifest: image.manifest,
        imageManifestMediaType: image.mediaType,
      });
    }
    return { images, failures };
  }),

  defineRoute('ecr', BatchDeleteImageCommand, 'BatchDeleteImage', (input, context) => {
    const repository = repositoryOf(context, input);
    const { deleted, failures } = repository.deleteImages(input.imageIds ?? []);
    return {
      imageIds: deleted.map((id) => compact({ ...id })),
      failures: failures.map((f) => ({
        imageId: compact({ ...f.imageId }),
        failureCode: f.failureCode as 'ImageNotFound',
        failureReason: f.failureReason,
      })),
    };
  }),

  /** PutImage, followed by replication. https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html */
  defineRoute('ecr', PutImageCommand, 'PutImage', (input, context) => {
    const registry = registryOf(context, input.registryId);
    const result = context.world.pushImage(registry.accountId, registry.region, input.repositoryName ?? '', {
      manifest: input.imageManifest ?? '',
      mediaType: input.imageManifestMediaType,
      tag: input.imageTag,
      digest: input.imageDigest,
    });
    return {
      image: compact({
        registryId: registry.accountId,
        repositoryName: result.repository.name,
        imageId: compact({ imageDigest: result.image.digest, imageTag: input.imageTag }),
        imageManifest: result.image.manifest,
        imageManifestMediaType: result.image.mediaType,
      }),
    };
  }),

  /** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html */
  defineRoute('ecr', PutImageTagMutabilityCommand, 'PutImageTagMutability', (input, context) => {
    const repository = repositoryOf(context, input);
    repository.setTagMutability(input.imageTagMutability, input.imageTagMutabilityExclusionFilters);
    return compact({
      registryId: repository.registryId,
      repositoryName: repository.name,
      imageTagMutability: repository.imageTagMutability,
      imageTagMutabilityExclusionFilters:
        repository.exclusionFilters.length > 0
          ? repository.exclusionFilters.map((f) => ({ ...f }))
          : undefined,
    });
  }),

  defineRoute(
    'ecr',
    PutImageScanningConfigurationCommand,
    'PutImageScanningConfiguration',
    (input, context) => {
      const repository = repositoryOf(context, input);
      repository.scanOnPush = input.imageScanningConfiguration?.scanOnPush ?? false;
      return {
        registryId: repository.registryId,
        repositoryName: repository.name,
        imageScanningConfiguration: { scanOnPush: repository.scanOnPush },
      };
    },
  ),

  /**
   * Lifecycle policies: the text must be a valid policy (validated with ecr-warden's engine, which
   * follows ECR's rules, 100 to 30,720 characters); Get/Delete of a missing policy fail with
   * LifecyclePolicyNotFoundException.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetLifecyclePolicy.html
   */
  defineRoute('ecr', PutLifecyclePolicyCommand, 'PutLifecyclePolicy', (input, context) => {
    const repository = repositoryOf(context, input);
    const text = input.lifecyclePolicyText ?? '';
    const parsed = parseLifecyclePolicy(text);
    if (!parsed.ok) {
      throw serviceError(
        'InvalidParameterException',
        `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: '${parsed.violations.map(describeViolation).join('; ')}'`,
      );
    }
    repository.lifecyclePolicy = { text, lastEvaluatedAt: undefined };
    return { registryId: repository.registryId, repositoryName: repository.name, lifecyclePolicyText: text };
  }),

  defineRoute('ecr', GetLifecyclePolicyCommand, 'GetLifecyclePolicy', (input, context) => {
    const repository = repositoryOf(context, input);
    const policy = requireLifecyclePolicy(repository);
    return compact({
      registryId: repository.registryId,
      repositoryName: repository.name,
      lifecyclePolicyText: policy.text,
      lastEvaluatedAt: date(policy.lastEvaluatedAt),
    });
  }),

  defineRoute('ecr', DeleteLifecyclePolicyCommand, 'DeleteLifecyclePolicy', (input, context) => {
    const repository = repositoryOf(context, input);
    const policy = requireLifecyclePolicy(repository);
    repository.lifecyclePolicy = undefined;
    return compact({
      registryId: repository.registryId,
      repositoryName: repository.name,
      lifecyclePolicyText: policy.text,
      lastEvaluatedAt: date(policy.lastEvaluatedAt),
    });
  }),

  /**
   * Repository policies: JSON text of at most 10,240 characters; Get/Delete of a missing policy fail
   * with RepositoryPolicyNotFoundException.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRepositoryPolicy.html
   */
  defineRoute('ecr', SetRepositoryPolicyCommand, 'SetRepositoryPolicy', (input, context) => {
    const repository = repositoryOf(context, input);
    const text = input.policyText ?? '';
    let valid = text.length > 0 && text.length <= MAX_REPOSITORY_POLICY_LENGTH;
    try {
      const document = JSON.parse(text) as { Statement?: unknown };
      valid &&= typeof document === 'object' && document !== null && document.Statement !== undefined;
    } catch {
      valid = false;
    }
    if (!valid) {
      throw serviceError(
        'InvalidParameterException',
        `Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'`,
      );
    }
    repository.repositoryPolicy = text;
    return { registryId: repository.registryId, repositoryName: repository.name, policyText: text };
  }),

  defineRoute('ecr', GetRepositoryPolicyCommand, 'GetRepositoryPolicy', (input, context) => {
    const repository = repositoryOf(context, input);
    return {
      registryId: repository.registryId,
      repositoryName: repository.name,
      policyText: requireRepositoryPolicy(repository),
    };
  }),

  defineRoute('ecr', DeleteRepositoryPolicyCommand, 'DeleteRepositoryPolicy', (input, context) => {
    const repository = repositoryOf(context, input);
    const policyText = requireRepositoryPolicy(repository);
    repository.repositoryPolicy = undefined;
    return { registryId: repository.registryId, repositoryName: repository.name, policyText };
  }),

  /**
   * DescribeImageScanFindings: findings a page at a time (maxResults 1-1000); ScanNotFoundException
   * when the image was never scanned.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html
   */
  defineRoute('ecr', DescribeImageScanFindingsCommand, 'DescribeImageScanFindings', (input, context) => {
    const repository = repositoryOf(context, input);
    const id = requireImageId(input.imageId);
    const image = repository.find(id);
    if (image === undefined) throw notFound(repository, id);
    const scan = image.scan;
    if (scan === undefined) {
      throw serviceError(
        'ScanNotFoundException',
        `Image scan does not exist for the image with '{imageDigest:'${image.digest}', imageTag:'${id.imageTag ?? 'null'}'}' in the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
      );
    }
    const enhanced = scan.enhancedFindings !== undefined;
    const all: {
      index: number;
      basic?: (typeof scan.findings & object)[number];
      enhanced?: EnhancedFinding;
    }[] = enhanced
      ? (scan.enhancedFindings ?? []).map((finding, index) => ({ index, enhanced: finding }))
      : (scan.findings ?? []).map((finding, index) => ({ index, basic: finding }));
    const page = paginate(all, input, {
      scope: `DescribeImageScanFindings|${repository.arn}|${image.digest}`,
      limits: ECR_PAGE,
      cursorOf: (entry) => entry.index,
    });
    const hasResults = scan.completedAt !== undefined;
    return compact({
      registryId: repository.registryId,
      repositoryName: repository.name,
      imageId: compact({ imageDigest: image.digest, imageTag: id.imageTag }),
      imageScanStatus: compact({ status: scan.status, description: scan.description }),
      imageScanFindings: hasResults
        ? compact({
            imageScanCompletedAt: isoDate(scan.completedAt),
            vulnerabilitySourceUpdatedAt: isoDate(scan.vulnerabilitySourceUpdatedAt),
            findingSeverityCounts: severityCounts(scan),
            findings: enhanced
              ? undefined
              : page.items.flatMap((entry) => (entry.basic ? [deepCopy(entry.basic)] : [])),
            enhancedFindings: enhanced
              ? page.items.flatMap((entry) =>
                  entry.enhanced ? [enhancedFinding(repository, image, entry.enhanced)] : [],
                )
              : undefined,
          })
        : undefined,
      nextToken: page.nextToken,
    });
  }),

  /** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRegistry.html */
  defineRoute('ecr', DescribeRegistryCommand, 'DescribeRegistry', (_input, context) => {
    const registry = registryOf(context, undefined);
    return {
      registryId: registry.accountId,
      replicationConfiguration: { rules: deepCopy(registry.replicationRules) },
    };
  }),

  /**
   * PutReplicationConfiguration replaces the registry's whole configuration.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html
   */
  defineRoute('ecr', PutReplicationConfigurationCommand, 'PutReplicationConfiguration', (input, context) => {
    const registry = registryOf(context, undefined);
    const rules = registry.setReplicationRules(
      (input.replicationConfiguration?.rules ?? []).map((rule) => ({
        destinations: (rule.destinations ?? []).map((d) => ({
          region: d.region ?? '',
          registryId: d.registryId ?? '',
        })),
        ...(rule.repositoryFilters === undefined
          ? {}
          : {
              repositoryFilters: rule.repositoryFilters.map((f) => ({
                filter: f.filter ?? '',
                filterType: f.filterType as 'PREFIX_MATCH',
              })),
            }),
      })),
    );
    return { replicationConfiguration: { rules: deepCopy(rules) } };
  }),

  /**
   * Replication status of one image, one entry per destination its push was replicated to.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageReplicationStatus.html
   */
  defineRoute(
    'ecr',
    DescribeImageReplicationStatusCommand,
    'DescribeImageReplicationStatus',
    (input, context) => {
      const repository = repositoryOf(context, input);
      const id = requireImageId(input.imageId);
      const image = repository.find(id);
      if (image === undefined) throw notFound(repository, id);
      return {
        repositoryName: repository.name,
        imageId: compact({ imageDigest: image.digest, imageTag: id.imageTag }),
        replicationStatuses: (image.replication ?? []).map((r) => compact({ ...r })),
      };
    },
  ),

  /** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryScanningConfiguration.html */
  defineRoute(
    'ecr',
    GetRegistryScanningConfigurationCommand,
    'GetRegistryScanningConfiguration',
    (_input, context) => {
      const registry = registryOf(context, undefined);
      return { registryId: registry.accountId, scanningConfiguration: deepCopy(registry.scanning) };
    },
  ),

  /** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html */
  defineRoute(
    'ecr',
    PutRegistryScanningConfigurationCommand,
    'PutRegistryScanningConfiguration',
    (input, context) => {
      const registry = registryOf(context, undefined);
      const configuration = registry.setScanning(input.scanType, input.rules as ScanningRule[] | undefined);
      return { registryScanningConfiguration: deepCopy(configuration) };
    },
  ),

  /**
   * The effective scanning of 1-25 repositories; unknown names are failures, not an exception.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html
   */
  defineRoute(
    'ecr',
    BatchGetRepositoryScanningConfigurationCommand,
    'BatchGetRepositoryScanningConfiguration',
    (input, context) => {
      const registry = registryOf(context, undefined);
      const names = input.repositoryNames ?? [];
      if (names.length < 1 || names.length > MAX_SCANNING_CONFIGURATION_NAMES) {
        throw serviceError(
          'InvalidParameterException',
          `repositoryNames must list 1 to ${MAX_SCANNING_CONFIGURATION_NAMES} names`,
        );
      }
      const scanningConfigurations = [];
      const failures = [];
      for (const name of names) {
        const repository = registry.repositories.get(name);
        if (repository === undefined) {
          failures.push({
            repositoryName: name,
            failureCode: 'REPOSITORY_NOT_FOUND' as const,
            failureReason: 'REPOSITORY_NOT_FOUND',
          });
          continue;
        }
        const effective = registry.effectiveScanning(repository);
        scanningConfigurations.push({
          repositoryArn: repository.arn,
          repositoryName: repository.name,
          scanOnPush: effective.scanOnPush,
          scanFrequency: effective.scanFrequency,
          appliedScanFilters: effective.appliedScanFilters.map((f) => ({ ...f })),
        });
      }
      return { scanningConfigurations, failures };
    },
  ),

  /** https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateImageStorageClass.html */
  defineRoute('ecr', UpdateImageStorageClassCommand, 'UpdateImageStorageClass', (input, context) => {
    const repository = repositoryOf(context, input);
    const id = requireImageId(input.imageId);
    const image = repository.updateStorageClass(id, input.targetStorageClass, context.now);
    return {
      registryId: repository.registryId,
      repositoryName: repository.name,
      imageId: compact({ imageDigest: image.digest, imageTag: id.imageTag }),
      imageStatus: image.status,
    };
  }),

  /**
   * Referrers (signatures, SBOMs, attestations) of a subject image, ACTIVE ones unless the filter
   * asks for another status; maxResults 1-50, default 20.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImageReferrers.html
   */
  defineRoute('ecr', ListImageReferrersCommand, 'ListImageReferrers', (input, context) => {
    const repository = repositoryOf(context, input);
    const subject = input.subjectId?.imageDigest ?? '';
    const artifactTypes = input.filter?.artifactTypes;
    const status = input.filter?.artifactStatus ?? 'ACTIVE';
    const referrers = repository
      .referrersOf(subject)
      .filter((image) => status === 'ANY' || image.status === status)
      .filter((image) => artifactTypes === undefined || artifactTypes.includes(image.artifactMediaType ?? ''))
      .sort((a, b) => a.seq - b.seq);
    const page = paginate(referrers, input, {
      scope: `ListImageReferrers|${repository.arn}|${subject}|${status}|${(artifactTypes ?? []).join(',')}`,
      limits: REFERRERS_PAGE,
      cursorOf: (image) => image.seq,
    });
    return compact({
      referrers: page.items.map((image) =>
        compact({
          digest: image.digest,
          mediaType: image.mediaType,
          artifactType: image.artifactMediaType,
          size: Buffer.byteLength(image.manifest, 'utf8'),
          annotations: manifestAnnotations(image.manifest),
          artifactStatus: image.status,
        }),
      ),
      nextToken: page.nextToken,
    });
  }),
];

function requireLifecyclePolicy(repository: RepositoryState) {
  if (repository.lifecyclePolicy === undefined) {
    throw serviceError(
      'LifecyclePolicyNotFoundException',
      `Lifecycle policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
    );
  }
  return repository.lifecyclePolicy;
}

function requireRepositoryPolicy(repository: RepositoryState): string {
  if (repository.repositoryPolicy === undefined) {
    throw serviceError(
      'RepositoryPolicyNotFoundException',
      `Repository policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
    );
  }
  return repository.repositoryPolicy;
}

function manifestAnnotations(manifest: string): Record<string, string> | undefined {
  try {
    const annotations = (JSON.parse(manifest) as { annotations?: unknown }).annotations;
    return typeof annotations === 'object' && annotations !== null
      ? (annotations as Record<string, string>)
      : undefined;
  } catch {
    return undefined;
  }
}
