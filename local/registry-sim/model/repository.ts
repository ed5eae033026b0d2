import { inspectManifest, isIndexMediaType, isValidDigest } from './manifest';
import type { ImageScan } from './scan';
import { serviceError } from './simulated-error';
import {
  type ExclusionFilter,
  isTagMutable,
  type TagMutability,
  validateTagMutability,
} from './tag-mutability';

export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';
export type EncryptionType = 'AES256' | 'KMS' | 'KMS_DSSE';
export type ReplicationState = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';

export interface ImageId {
  imageDigest?: string | undefined;
  imageTag?: string | undefined;
}

export interface ImageFailure {
  imageId: ImageId;
  failureCode: string;
  failureReason: string;
}

export interface ReplicationStatusRecord {
  region: string;
  registryId: string;
  status: ReplicationState;
  failureCode?: string | undefined;
}

/** One image (manifest) of a repository, as ECR keeps it. Timestamps are epoch milliseconds. */
export interface StoredImage {
  /** Insertion order: listings return images in this order, and page tokens remember it. */
  readonly seq: number;
  readonly digest: string;
  readonly manifest: string;
  readonly mediaType: string;
  readonly artifactMediaType: string | undefined;
  readonly subjectDigest: string | undefined;
  readonly children: readonly string[];
  sizeBytes: number;
  pushedAt: number;
  lastPulledAt: number | undefined;
  status: ImageStatus;
  lastArchivedAt: number | undefined;
  lastActivatedAt: number | undefined;
  tags: string[];
  scan: ImageScan | undefined;
  /** Where a replication rule sent this image, one entry per destination (absent: none). */
  replication: ReplicationStatusRecord[] | undefined;
}

/** What `insertImage` needs: an already-inspected manifest (loaders and generators use it). */
export interface NewImage {
  digest: string;
  manifest: string;
  mediaType: string;
  artifactMediaType?: string | undefined;
  subjectDigest?: string | undefined;
  children?: readonly string[] | undefined;
  sizeBytes: number;
  pushedAt: number;
  lastPulledAt?: number | undefined;
  status?: ImageStatus | undefined;
  lastArchivedAt?: number | undefined;
  lastActivatedAt?: number | undefined;
  tags?: readonly string[] | undefined;
  scan?: ImageScan | undefined;
  replication?: ReplicationStatusRecord[] | undefined;
}

export interface RepositorySettings {
  imageTagMutability?: string | undefined;
  imageTagMutabilityExclusionFilters?: readonly { filterType?: string; filter?: string }[] | undefined;
  /** Repository-level scan on push (deprecated in favour of registry scanning rules). */
  scanOnPush?: boolean | undefined;
  encryptionType?: EncryptionType | undefined;
  kmsKey?: string | undefined;
  resourceTags?: readonly { Key: string; Value: string }[] | undefined;
}

export interface PutImageInput {
  manifest: string;
  mediaType?: string | undefined;
  tag?: string | undefined;
  digest?: string | undefined;
  now: number;
  maxImages: number;
}

export interface PutImageResult {
  image: StoredImage;
  /** The manifest was new to the repository (false: an existing image got a tag). */
  created: boolean;
  tag: string | undefined;
  /** The image the tag pointed at before it moved here. */
  tagMovedFrom: string | undefined;
}

// Repository names: 2-256 characters, lowercase path components separated by `/`.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
const REPOSITORY_NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
// PutImage imageTag: 1 to 300 characters. https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html
const MAX_TAG_LENGTH = 300;
// BatchDeleteImage and BatchGetImage take 1 to 100 image ids.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
export const MAX_IMAGE_IDS_PER_BATCH = 100;

export function validateRepositoryName(name: string | undefined): string {
  if (name === undefined || name.length < 2 || name.length > 256 || !REPOSITORY_NAME_PATTERN.test(name)) {
    throw serviceError(
      'InvalidParameterException',
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and have length 2 to 256', got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

export class RepositoryState {
  readonly images = new Map<string, StoredImage>();
  private readonly tagIndex = new Map<string, string>();
  /** child digest → digests of the indexes that list it. */
  private readonly parents = new Map<string, Set<string>>();
  /** subject digest → digests of its referrers. */
  private readonly referrers = new Map<string, Set<string>>();
  private nextSeq = 1;

  imageTagMutability: TagMutability = 'MUTABLE';
  exclusionFilters: ExclusionFilter[] = [];
  scanOnPush = false;
  encryptionType: EncryptionType = 'AES256';
  kmsKey: string | undefined;
  resourceTags: { Key: string; Value: string }[] = [];
  lifecyclePolicy: { text: string; lastEvaluatedAt: number | undefined } | undefined;
  repositoryPolicy: string | undefined;

  constructor(
    readonly registryId: string,
    readonly region: string,
    readonly name: string,
    readonly createdAt: number,
    settings: RepositorySettings = {},
  ) {
    this.applySettings(settings);
  }

  get arn(): string {
    return `arn:aws:ecr:${this.region}:${this.registryId}:repository/${this.name}`;
  }

  get uri(): string {
    return `${this.registryId}.dkr.ecr.${this.region}.amazonaws.com/${this.name}`;
  }

  applySettings(settings: RepositorySettings): void {
    if (
      settings.imageTagMutability !== undefined ||
      settings.imageTagMutabilityExclusionFilters !== undefined
    ) {
      this.setTagMutability(settings.imageTagMutability, settings.imageTagMutabilityExclusionFilters);
    }
    if (settings.scanOnPush !== undefined) this.scanOnPush = settings.scanOnPush;
    if (settings.encryptionType !== undefined) {
      this.encryptionType = settings.encryptionType;
      // KMS without a key uses the AWS managed key aws/ecr.
      // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_EncryptionConfiguration.html
      this.kmsKey =
        settings.encryptionType === 'AES256'
          ? undefined
          : (settings.kmsKey ?? `arn:aws:kms:${this.region}:${this.registryId}:alias/aws/ecr`);
    }
    if (settings.resourceTags !== undefined)
      this.resourceTags = settings.resourceTags.map((tag) => ({ ...tag }));
  }

  setTagMutability(
    mutability: string | undefined,
    filters: readonly { filterType?: string; filter?: string }[] | undefined,
  ): void {
    const valid = validateTagMutability(mutability, filters);
    this.imageTagMutability = valid.mutability;
    this.exclusionFilters = valid.filters;
  }

  digestForTag(tag: string): string | undefined {
    return this.tagIndex.get(tag);
  }

  /** The image an id names, or undefined; throws when a digest and a tag disagree. */
  find(id: ImageId): StoredImage | undefined {
    if (id.imageDigest !== undefined) {
      const image = this.images.get(id.imageDigest);
      if (image !== undefined && id.imageTag !== undefined && !image.tags.includes(id.imageTag))
        return undefined;
      return image;
    }
    if (id.imageTag !== undefined) {
      const digest = this.tagIndex.get(id.imageTag);
      return digest === undefined ? undefined : this.images.get(digest);
    }
    return undefined;
  }

  /** Images in listing order (insertion order). */
  listImages(): StoredImage[] {
    return [...this.images.values()];
  }

  indexesReferencing(digest: string): string[] {
    return [...(this.parents.get(digest) ?? [])];
  }

  referrersOf(digest: string): StoredImage[] {
    return [...(this.referrers.get(digest) ?? [])].flatMap((d) => this.images.get(d) ?? []);
  }

  /**
   * PutImage. The digest is the sha256 of the manifest text. A new manifest becomes an image; an
   * existing one gets the tag. A tag that exists on another image moves, unless the repository's
   * mutability makes that tag immutable (ImageTagAlreadyExistsException). Pushing a manifest that is
   * already there with the same tag (or without a tag) changes nothing: ImageAlreadyExistsException.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
   */
  putImage(input: PutImageInput): PutImageResult {
    const inspected = inspectManifest(input.manifest, input.mediaType);
    if (input.digest !== undefined && input.digest !== inspected.digest) {
      throw serviceError(
        'ImageDigestDoesNotMatchException',
        `The specified image digest ${input.digest} does not match the digest of the manifest, ${inspected.digest}`,
      );
    }
    const tag = input.tag;
    if (tag !== undefined && (tag.length < 1 || tag.length > MAX_TAG_LENGTH)) {
      throw serviceError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTag' failed to satisfy constraint: 'Member must have length between 1 and ${MAX_TAG_LENGTH}'`,
      );
    }
    const existing = this.images.get(inspected.digest);
    if (existing !== undefined && (tag === undefined || existing.tags.includes(tag))) {
      throw serviceError(
        'ImageAlreadyExistsException',
        `Image with digest '${inspected.digest}'${tag === undefined ? '' : ` and tag '${tag}'`} already exists in the repository with name '${this.name}' in registry with id '${this.registryId}'`,
      );
    }
    const tagMovedFrom = tag === undefined ? undefined : this.tagIndex.get(tag);
    if (tag !== undefined && tagMovedFrom !== undefined) {
      if (!isTagMutable(this.imageTagMutability, this.exclusionFilters, tag)) {
        throw serviceError(
          'ImageTagAlreadyExistsException',
          `The image tag '${tag}' already exists in the '${this.name}' repository and cannot be overwritten because the tag is immutable.`,
        );
      }
    }
    if (existing === undefined) {
      if (this.images.size >= input.maxImages) {
        throw serviceError(
          'LimitExceededException',
          `The repository '${this.name}' has reached its limit of ${input.maxImages} images`,
        );
      }
      const missing = inspected.children.filter((child) => !this.images.has(child));
      if (missing.length > 0) {
        throw serviceError(
          'ReferencedImagesNotFoundException',
          `The manifest list references images that are not in the repository: ${missing.join(', ')}`,
        );
      }
    }
    if (tag !== undefined && tagMovedFrom !== undefined) this.removeTag(tag);
    let image = existing;
    if (image === undefined) {
      const childSizes = inspected.children.map((child) => this.images.get(child)?.sizeBytes ?? 0);
      image = this.insertImage({
        digest: inspected.digest,
        manifest: input.manifest,
        mediaType: inspected.mediaType,
        artifactMediaType: inspected.artifactMediaType,
        subjectDigest: inspected.subjectDigest,
        children: inspected.children,
        // ImageDetail.imageSizeInBytes: "If the image is a manifest list, this will be the max size
        // of all manifests in the list." https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
        sizeBytes: isIndexMediaType(inspected.mediaType) ? Math.max(0, ...childSizes) : inspected.layersSize,
        pushedAt: input.now,
      });
    }
    if (tag !== undefined) this.addTag(image, tag);
    return { image, created: existing === undefined, tag, tagMovedFrom };
  }

  /**
   * Adds an image without PutImage's checks (loaders and generators). Children of an index must
   * already be present for the parent links to be recorded.
   */
  insertImage(input: NewImage): StoredImage {
    if (this.images.has(input.digest))
      throw new Error(`${this.name}: image ${input.digest} is already there`);
    const image: StoredImage = {
      seq: this.nextSeq++,
      digest: input.digest,
      manifest: input.manifest,
      mediaType: input.mediaType,
      artifactMediaType: input.artifactMediaType,
      subjectDigest: input.subjectDigest,
      children: input.children ?? [],
      sizeBytes: input.sizeBytes,
      pushedAt: input.pushedAt,
      lastPulledAt: input.lastPulledAt,
      status: input.status ?? 'ACTIVE',
      lastArchivedAt: input.lastArchivedAt,
      lastActivatedAt: input.lastActivatedAt,
      tags: [],
      scan: input.scan,
      replication: input.replication,
    };
    this.images.set(image.digest, image);
    for (const child of image.children) {
      let set = this.parents.get(child);
      if (set === undefined) {
        set = new Set();
        this.parents.set(child, set);
      }
      set.add(image.digest);
    }
    if (image.subjectDigest !== undefined) {
      let set = this.referrers.get(image.subjectDigest);
      if (set === undefined) {
        set = new Set();
        this.referrers.set(image.subjectDigest, set);
      }
      set.add(image.digest);
    }
    for (const tag of input.tags ?? []) {
      const holder = this.tagIndex.get(tag);
      if (holder !== undefined) throw new Error(`${this.name}: tag ${tag} is already on ${holder}`);
      this.addTag(image, tag);
    }
    return image;
  }

  /**
   * BatchDeleteImage. More than 100 ids fail the whole call; every other problem is a per-image
   * failure. Deleting by tag removes only that tag unless it is the image's last one (then the image
   * goes); deleting by digest removes the image with all its tags. An image that an index still lists
   * cannot be deleted (ImageReferencedByManifestList) unless the same call deletes that index.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
   */
  deleteImages(ids: readonly ImageId[]): { deleted: ImageId[]; failures: ImageFailure[] } {
    checkBatchSize(ids.length);
    type Action =
      | { kind: 'untag'; id: ImageId; digest: string; tag: string }
      | { kind: 'delete'; id: ImageId; digest: string };
    const actions: Action[] = [];
    const failures: ImageFailure[] = [];
    // Tags the call has already taken off each image, so that several tags of one image in one
    // call behave as if deleted one after the other.
    const remainingTags = new Map<string, Set<string>>();
    const doomed = new Set<string>();
    const fail = (id: ImageId, failureCode: string, failureReason: string) =>
      failures.push({ imageId: { ...id }, failureCode, failureReason });

    for (const id of ids) {
      const { imageDigest, imageTag } = id;
      if (imageDigest === undefined && imageTag === undefined) {
        fail(id, 'MissingDigestAndTag', 'Requested image id has neither a digest nor a tag');
        continue;
      }
      if (imageDigest !== undefined && !isValidDigest(imageDigest)) {
        fail(id, 'InvalidImageDigest', 'Invalid image digest');
        continue;
      }
      if (imageDigest !== undefined) {
        const image = this.images.get(imageDigest);
        if (image === undefined || doomed.has(imageDigest)) {
          fail(id, 'ImageNotFound', 'Requested image not found');
        } else if (imageTag !== undefined && !image.tags.includes(imageTag)) {
          fail(id, 'ImageTagDoesNotMatchDigest', 'Invalid image tag for the image digest');
        } else {
          doomed.add(imageDigest);
          actions.push({ kind: 'delete', id, digest: imageDigest });
        }
        continue;
      }
      const tag = imageTag as string;
      const digest = this.tagIndex.get(tag);
      const image = digest === undefined ? undefined : this.images.get(digest);
      let tags = digest === undefined ? undefined : remainingTags.get(digest);
      if (digest !== undefined && tags === undefined && image !== undefined) {
        tags = new Set(image.tags);
        remainingTags.set(digest, tags);
      }
      if (digest === undefined || tags === undefined || !tags.has(tag) || doomed.has(digest)) {
        fail(id, 'ImageNotFound', 'Requested image not found');
        continue;
      }
      tags.delete(tag);
      if (tags.size === 0) {
        doomed.add(digest);
        actions.push({ kind: 'delete', id, digest });
      } else {
        actions.push({ kind: 'untag', id, digest, tag });
      }
    }

    // An image stays if an index that stays lists it; dropping it from the doomed set can keep
    // another image's parent alive (nested indexes), so repeat until nothing changes.
    const blocked = new Set<string>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const digest of doomed) {
        if (this.indexesReferencing(digest).some((parent) => !doomed.has(parent))) {
          doomed.delete(digest);
          blocked.add(digest);
          changed = true;
        }
      }
    }

    const deleted: ImageId[] = [];
    for (const action of actions) {
      if (action.kind === 'untag') {
        this.removeTag(action.tag);
        deleted.push({ imageDigest: action.digest, imageTag: action.tag });
        continue;
      }
      if (blocked.has(action.digest)) {
        fail(
          action.id,
          'ImageReferencedByManifestList',
          `Requested image is referenced by an image index: ${this.indexesReferencing(action.digest).join(', ')}`,
        );
        continue;
      }
      const image = this.images.get(action.digest);
      if (image === undefined) continue;
      // The response lists the deleted image once per tag it had (untagged: by digest alone).
      const tags = action.id.imageTag !== undefined ? [action.id.imageTag] : [...image.tags];
      this.removeImage(image);
      if (tags.length === 0) deleted.push({ imageDigest: image.digest });
      for (const tag of tags) deleted.push({ imageDigest: image.digest, imageTag: tag });
    }
    return { deleted, failures };
  }

  /** Removes an image and its tags (no checks; deleteImages checks). */
  removeImage(image: StoredImage): void {
    for (const tag of [...image.tags]) this.removeTag(tag);
    this.images.delete(image.digest);
    for (const child of image.children) this.parents.get(child)?.delete(image.digest);
    if (image.subjectDigest !== undefined) this.referrers.get(image.subjectDigest)?.delete(image.digest);
  }

  isReferencedByIndex(digest: string): boolean {
    return (this.parents.get(digest)?.size ?? 0) > 0;
  }

  /**
   * UpdateImageStorageClass. ARCHIVE moves an active image to archive; STANDARD starts a restore
   * (ACTIVATING until `completeRestore`). An image an active index lists cannot be archived alone:
   * "If an image is referenced by a manifest list, it cannot be expired or archived without the
   * manifest list being deleted or archived first."
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateImageStorageClass.html
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
   */
  updateStorageClass(id: ImageId, target: string | undefined, now: number): StoredImage {
    const image = this.find(id);
    if (image === undefined) {
      throw serviceError(
        'ImageNotFoundException',
        `The image requested does not exist in the repository '${this.name}'`,
      );
    }
    if (target === 'ARCHIVE') {
      if (image.status === 'ACTIVATING') {
        throw serviceError(
          'ImageStorageClassUpdateNotSupportedException',
          'The image is being restored from archive',
        );
      }
      const activeParent = this.indexesReferencing(image.digest).some(
        (parent) => this.images.get(parent)?.status === 'ACTIVE',
      );
      if (activeParent) {
        throw serviceError(
          'ImageStorageClassUpdateNotSupportedException',
          'The image is referenced by an active manifest list: archive the manifest list first',
        );
      }
      if (image.status === 'ACTIVE') {
        image.status = 'ARCHIVED';
        image.lastArchivedAt = now;
      }
      return image;
    }
    if (target === 'STANDARD') {
      if (image.status === 'ARCHIVED') image.status = 'ACTIVATING';
      return image;
    }
    throw serviceError(
      'InvalidParameterException',
      `Invalid parameter at 'targetStorageClass' failed to satisfy constraint: 'Member must satisfy enum value set: [STANDARD, ARCHIVE]'`,
    );
  }

  /** Ends the restores in progress (ACTIVATING → ACTIVE), as ECR does some hours after the request. */
  completeRestores(now: number): number {
    let restored = 0;
    for (const image of this.images.values()) {
      if (image.status !== 'ACTIVATING') continue;
      image.status = 'ACTIVE';
      image.lastActivatedAt = now;
      restored++;
    }
    return restored;
  }

  /** Points `tag` at an image, moving it if needed, without PutImage's checks (builders only). */
  setTag(tag: string, digest: string): void {
    const image = this.images.get(digest);
    if (image === undefined) throw new Error(`${this.name}: no image ${digest}`);
    this.removeTag(tag);
    this.addTag(image, tag);
  }

  private addTag(image: StoredImage, tag: string): void {
    this.tagIndex.set(tag, image.digest);
    image.tags.push(tag);
  }

  private removeTag(tag: string): void {
    const digest = this.tagIndex.get(tag);
    if (digest === undefined) return;
    this.tagIndex.delete(tag);
    const image = this.images.get(digest);
    if (image !== undefined) image.tags = image.tags.filter((t) => t !== tag);
  }
}

export function checkBatchSize(count: number): void {
  if (count < 1 || count > MAX_IMAGE_IDS_PER_BATCH) {
    throw serviceError(
      'InvalidParameterException',
      `Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length between 1 and ${MAX_IMAGE_IDS_PER_BATCH}', got ${count}`,
    );
  }
}
