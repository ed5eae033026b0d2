import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LifecycleImage, type LifecyclePolicy, parseLifecyclePolicy } from '../../../shared/lifecycle';

const FIXTURES = join(__dirname, '..', '..', 'events', 'lifecycle');

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** The fixed "now" every documented example's "Pushed: N days ago" is measured from. */
export const NOW = Date.parse('2026-03-01T12:00:00Z');

/** The policy text of a fixture, read afresh on every call so that no test shares a document. */
export function readPolicyText(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
}

/** A fixture policy validated as PutLifecyclePolicy would receive it: as text. */
export function loadValidPolicy(name: string): LifecyclePolicy {
  const result = parseLifecyclePolicy(readPolicyText(name));
  if (!result.ok) {
    throw new Error(`fixture ${name} is not valid: ${JSON.stringify(result.violations)}`);
  }
  return result.policy;
}

/** The digest a test image gets from its letter, so that results can be read back as letters. */
export function digestOf(name: string): string {
  return `sha256:${name.toLowerCase().padStart(64, '0')}`;
}

export function nameOf(image: LifecycleImage): string {
  return image.imageDigest.replace(/^sha256:0*/, '').toUpperCase();
}

/** A standard-storage image pushed `daysAgo` days before NOW, with optional extra fields. */
export function imagePushed(
  name: string,
  tags: readonly string[],
  daysAgo: number,
  extra: Partial<LifecycleImage> = {},
): LifecycleImage {
  return {
    imageDigest: digestOf(name),
    imageTags: [...tags],
    pushedAt: NOW - daysAgo * DAY_MS,
    storageClass: 'standard',
    ...extra,
  };
}
