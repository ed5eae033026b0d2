import type { EcrImageReference } from '../cleanup/image-reference';
import type { ImageUse } from '../cleanup/workload-images';

/**
 * The external in-use list format (`cleanup.protect.external` reads it from S3; `ecr-warden inuse list`
 * writes it): `{ source, generatedAt, images: [<image reference>] }`, so that one deployment's view
 * can feed another's. Each image is written by digest when the use names one (what runs), else by tag.
 */
export interface InUseList {
  source: string;
  /** ISO 8601: when the picture was read (a reader refuses a list older than its maxAgeHours). */
  generatedAt: string;
  images: string[];
}

export function buildInUseList(source: string, generatedAt: number, uses: readonly ImageUse[]): InUseList {
  const images = new Set(uses.map((use) => formatEcrImageReference(use.reference)));
  return { source, generatedAt: new Date(generatedAt).toISOString(), images: [...images].sort() };
}

/**
 * `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@<digest>` (or `:<tag>`); China's regions use
 * `.amazonaws.com.cn` (https://docs.aws.amazon.com/general/latest/gr/ecr.html).
 */
export function formatEcrImageReference(reference: EcrImageReference): string {
  const domain = reference.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const repository = `${reference.registryId}.dkr.ecr.${reference.region}.${domain}/${reference.repositoryName}`;
  if (reference.digest !== undefined) return `${repository}@${reference.digest}`;
  return `${repository}:${reference.tag ?? 'latest'}`;
}
