// Builds one repository's images as describe-images entries (read with the production reader) and
// the children of its indexes, for the cleanup plan's tests. Every call builds new objects.
import { createHash } from 'node:crypto';
import type { InUseReason } from '../../../shared/cleanup/cleanup-reasons';
import {
  type CleanupSafety,
  planRepositoryCleanup,
  type RepositoryCleanupInput,
  type RepositoryCleanupPlan,
} from '../../../shared/cleanup/plan-repository-cleanup';
import { type ImageDetail, type ImageRecord, toImageRecord } from '../../../shared/inventory/image-details';
import { type LifecyclePolicy, parseLifecyclePolicy } from '../../../shared/lifecycle';

export const NOW = Date.parse('2026-11-01T00:00:00Z');
export const DAY_MS = 86_400_000;
export const MIB = 1024 ** 2;

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const COSIGN_SIGNATURE = 'application/vnd.dev.cosign.artifact.sig.v1+json';

/** A stable, realistic digest for a name used in a test. */
export function digestOf(name: string): string {
  return `sha256:${createHash('sha256').update(name).digest('hex')}`;
}

export interface ImageOptions {
  tags?: string[];
  daysAgo?: number;
  sizeBytes?: number;
  imageStatus?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';
  artifactMediaType?: string;
}

export class RepositoryBuilder {
  private readonly details: ImageDetail[] = [];
  private readonly children = new Map<string, string[]>();

  constructor(readonly repositoryName = 'payments/api') {}

  /** A single-platform image or artifact named `name` (its digest is digestOf(name)). */
  image(name: string, options: ImageOptions = {}): string {
    return this.add(name, OCI_MANIFEST, options, {});
  }

  /** An image index listing `children` (names given to `image`), as a multi-arch build pushes it. */
  index(name: string, children: string[], options: ImageOptions = {}): string {
    const digest = this.add(name, OCI_INDEX, options, {});
    this.children.set(digest, children.map(digestOf));
    return digest;
  }

  /** A referrer (OCI 1.1 `subject`) of `subject`: a cosign signature unless said otherwise. */
  referrer(name: string, subject: string, options: ImageOptions = {}): string {
    return this.add(
      name,
      OCI_MANIFEST,
      { artifactMediaType: COSIGN_SIGNATURE, sizeBytes: 800, ...options },
      {
        subjectManifestDigest: digestOf(subject),
      },
    );
  }

  /** A multi-arch release: index `name` with amd64, arm64 and an attestation child, and a signature. */
  multiArch(
    name: string,
    options: ImageOptions = {},
  ): { index: string; children: string[]; signature: string } {
    const at = { daysAgo: options.daysAgo ?? 30 };
    const children = [`${name}/amd64`, `${name}/arm64`, `${name}/attestation`];
    this.image(children[0] as string, { ...at, sizeBytes: 150 * MIB, imageStatus: options.imageStatus });
    this.image(children[1] as string, { ...at, sizeBytes: 140 * MIB, imageStatus: options.imageStatus });
    this.image(children[2] as string, { ...at, sizeBytes: 1_500, imageStatus: options.imageStatus });
    const index = this.index(name, children, { sizeBytes: 150 * MIB, ...options });
    const signature = this.referrer(`${name}/signature`, name, { ...at, imageStatus: options.imageStatus });
    return { index, children: children.map(digestOf), signature };
  }

  images(): ImageRecord[] {
    return this.details.map((detail, i) => toImageRecord(structuredClone(detail), i));
  }

  indexChildren(): Map<string, string[]> {
    return new Map([...this.children].map(([digest, list]) => [digest, [...list]]));
  }

  private add(name: string, mediaType: string, options: ImageOptions, extra: Partial<ImageDetail>): string {
    const imageDigest = digestOf(name);
    const detail: ImageDetail = {
      registryId: '123456789012',
      repositoryName: this.repositoryName,
      imageDigest,
      imageSizeInBytes: options.sizeBytes ?? 100 * MIB,
      imagePushedAt: new Date(NOW - (options.daysAgo ?? 30) * DAY_MS).toISOString(),
      imageManifestMediaType: mediaType,
      imageStatus: options.imageStatus ?? 'ACTIVE',
      ...extra,
    };
    if (options.tags !== undefined && options.tags.length > 0) detail.imageTags = [...options.tags];
    if (options.artifactMediaType !== undefined) detail.artifactMediaType = options.artifactMediaType;
    if (options.imageStatus === 'ARCHIVED')
      detail.lastArchivedAt = new Date(NOW - 100 * DAY_MS).toISOString();
    this.details.push(detail);
    return imageDigest;
  }
}

/** A policy document validated as the config loader validates it (ecr-warden's extension allowed). */
export function policy(...rules: unknown[]): LifecyclePolicy {
  const parsed = parseLifecyclePolicy({ rules }, { allowExpireSincePulled: true });
  if (!parsed.ok) throw new Error(`invalid test policy: ${JSON.stringify(parsed.violations)}`);
  return parsed.policy;
}

export function expireUntaggedAfter(days: number, rulePriority = 1): unknown {
  return {
    rulePriority,
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' },
  };
}

export function expireAnyAfter(days: number, rulePriority = 1): unknown {
  return {
    rulePriority,
    selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' },
  };
}

export function expireTaggedAfter(patterns: string[], days: number, rulePriority = 1): unknown {
  return {
    rulePriority,
    selection: {
      tagStatus: 'tagged',
      tagPatternList: patterns,
      countType: 'sinceImagePushed',
      countUnit: 'days',
      countNumber: days,
    },
    action: { type: 'expire' },
  };
}

export const NO_SAFETY: CleanupSafety = { protectTags: [], keepAtLeast: 0, maxDeletionShare: 1 };

/** Plans the builder's repository; everything not given is neutral (no protection, no cap). */
export function planOf(
  repository: RepositoryBuilder,
  overrides: Partial<Omit<RepositoryCleanupInput, 'safety'>> & { safety?: Partial<CleanupSafety> } = {},
): RepositoryCleanupPlan {
  const { safety, ...rest } = overrides;
  return planRepositoryCleanup({
    repositoryName: repository.repositoryName,
    images: repository.images(),
    indexChildren: repository.indexChildren(),
    inUse: new Map<string, InUseReason[]>(),
    policy: undefined,
    now: NOW,
    ...rest,
    safety: { ...NO_SAFETY, ...safety },
  });
}

export function deletedDigests(plan: RepositoryCleanupPlan): string[] {
  return plan.delete.map((deletion) => deletion.imageDigest);
}

export function keptEntry(plan: RepositoryCleanupPlan, digest: string) {
  const entry = plan.keep.find((kept) => kept.imageDigest === digest);
  if (entry === undefined) throw new Error(`${digest} is not kept`);
  return entry;
}

export function reasonKinds(plan: RepositoryCleanupPlan, digest: string): string[] {
  return keptEntry(plan, digest).reasons.map((reason) => reason.kind);
}
