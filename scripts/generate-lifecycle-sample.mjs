// Writes examples/lifecycle/{images,manifests}.json: a sample repository as
// `aws ecr describe-images` and `aws ecr batch-get-image` print it, dated relative to 2026-11-01.
// Deterministic: run it again and the files come out the same.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const REPO = 'payments-api';
const REGISTRY = '123456789012';
const digest = (seed) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const at = (daysAgo, hour = 10) =>
  new Date(NOW - daysAgo * DAY + hour * 3_600_000 - 24 * 3_600_000).toISOString().replace('.000Z', '+00:00');
const size = (seed) => 120_000_000 + (Number.parseInt(digest(seed).slice(7, 13), 16) % 280_000_000);

const images = [];
const manifests = [];
const image = (seed, fields) =>
  images.push({
    registryId: REGISTRY,
    repositoryName: REPO,
    imageDigest: digest(seed),
    imageSizeInBytes: size(seed),
    imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    imageStatus: 'ACTIVE',
    ...fields,
  });

// 14 releases, one every 12 days; the newest three are multi-arch image indexes.
for (let i = 0; i < 14; i++) {
  const version = `v1.${i}.0`;
  const daysAgo = 2 + (13 - i) * 12;
  const tags = i === 13 ? [version, 'latest'] : [version];
  const pulled = i >= 8 ? { lastRecordedPullTime: at(1) } : { lastRecordedPullTime: at(daysAgo - 3) };
  if (i < 11) {
    image(version, { imageTags: tags, imagePushedAt: at(daysAgo), ...pulled });
    continue;
  }
  const children = ['linux/amd64', 'linux/arm64'].map((platform) => ({
    platform,
    seed: `${version}-${platform}`,
  }));
  const attestation = `${version}-attestation`;
  for (const child of children) image(child.seed, { imagePushedAt: at(daysAgo, 9) });
  image(attestation, { imagePushedAt: at(daysAgo, 9), imageSizeInBytes: 1_400 });
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      ...children.map(({ platform, seed }) => {
        const [os, architecture] = platform.split('/');
        return {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: digest(seed),
          size: 1_000,
          platform: { architecture, os },
        };
      }),
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: digest(attestation),
        size: 840,
        annotations: {
          'vnd.docker.reference.digest': digest(children[0].seed),
          'vnd.docker.reference.type': 'attestation-manifest',
        },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ],
  };
  image(version, {
    imageTags: tags,
    imagePushedAt: at(daysAgo, 9),
    imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
    ...pulled,
  });
  manifests.push({
    registryId: REGISTRY,
    repositoryName: REPO,
    imageId: { imageDigest: digest(version), imageTag: version },
    imageManifest: JSON.stringify(index),
    imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
  });
}

// A build of main every day for three weeks.
for (let day = 1; day <= 21; day++) {
  const sha = digest(`main-${day}`).slice(7, 14);
  image(`main-${day}`, { imageTags: [`main-${sha}`], imagePushedAt: at(day, 14) });
}

// Untagged debris: builds whose tag moved on.
for (const daysAgo of [2, 5, 9, 16, 23, 31, 40])
  image(`debris-${daysAgo}`, { imagePushedAt: at(daysAgo, 16) });

// Feature-branch images nobody pulled for months.
for (const [name, daysAgo, pulledDaysAgo] of [
  ['feature-ledger-v2', 150, 95],
  ['feature-fx-rates', 120, 70],
  ['feature-3ds', 40, 12],
]) {
  image(name, { imageTags: [name], imagePushedAt: at(daysAgo), lastRecordedPullTime: at(pulledDaysAgo) });
}

// Archived old releases.
for (const [version, pushedDaysAgo, archivedDaysAgo] of [
  ['v0.7.0', 420, 260],
  ['v0.8.0', 380, 200],
  ['v0.9.0', 300, 95],
]) {
  image(version, {
    imageTags: [version],
    imagePushedAt: at(pushedDaysAgo),
    imageStatus: 'ARCHIVED',
    lastArchivedAt: at(archivedDaysAgo),
    lastRecordedPullTime: at(archivedDaysAgo + 60),
  });
}

writeFileSync('examples/lifecycle/images.json', `${JSON.stringify({ imageDetails: images }, null, 4)}\n`);
writeFileSync(
  'examples/lifecycle/manifests.json',
  `${JSON.stringify({ images: manifests, failures: [] }, null, 4)}\n`,
);
console.log(`${images.length} images, ${manifests.length} index manifests`);
