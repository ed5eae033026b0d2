import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_REGISTRY } from '../../local/kubernetes-api/sample-cluster';
import type { CheckResults } from './check-results';
import { runCommand } from './run-command';

/**
 * Part of the kubectl check (kubectl-check.ts): real kubectl's output of the sample cluster, as it
 * printed it (the text, untouched), becomes a snapshot's `kubernetes[0].objects`, and the built CLI
 * (`node bin/ecr-warden.js cleanup plan --snapshot`) plans a cleanup that would delete every image
 * older than a day. The images the seeded pods and workloads run must be kept with the Kubernetes
 * reasons; the others, each repository's unused images, must be in the plan's deletions.
 *
 * The registry mirrors local/kubernetes-api/sample-cluster.ts: each digest there (`sha256:` and one
 * hex digit repeated) and each tag it names.
 */

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TAKEN_AT = '2026-11-01T06:00:00.000Z';
const PUSHED_AT = '2026-09-01T06:00:00.000Z';
const TIMEOUT_MS = 60_000;

const digest = (fill: string) => `sha256:${fill.repeat(64).slice(0, 64)}`;

interface SeededImage {
  digest: string;
  tags: string[];
  /** The reason kind the plan must keep it for; undefined: nothing runs it, the plan deletes it. */
  keptFor?: 'in-use-kubernetes-pod' | 'in-use-kubernetes-workload';
}

/** Per repository, the images the sample cluster runs and one image nothing runs. */
const REGISTRY: Record<string, SeededImage[]> = {
  // Pod api-…-abc12 runs v2 (imageID digest 2); pod api-…-def34 pulled :stable when it named digest
  // 1, and the tag has moved to digest a since: digest 1 by the pod's imageID, digest a by the pod's
  // tag. v1 is the old ReplicaSet's (a rollback target, scaled to 0). The FIPS host names v2 too.
  'payments-api': [
    { digest: digest('2'), tags: ['v2'], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('1'), tags: [], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('a'), tags: ['stable'], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('b'), tags: ['v1'], keptFor: 'in-use-kubernetes-workload' },
    { digest: digest('9'), tags: ['v0'] },
  ],
  // A Deployment scaled to zero still needs its image.
  'ops-tool': [
    { digest: digest('4'), tags: ['1.4'], keptFor: 'in-use-kubernetes-workload' },
    { digest: digest('5'), tags: ['1.3'] },
  ],
  // The CronJob's Job's pod ran digest 3.
  report: [
    { digest: digest('3'), tags: ['3'], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('6'), tags: ['2'] },
  ],
  // An init container, through Docker's docker-pullable:// imageID.
  'db-migrate': [
    { digest: digest('7'), tags: ['7'], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('8'), tags: ['6'] },
  ],
  // By digest, and the ephemeral container's imageID (digest f).
  'debug-tools': [
    { digest: digest('d'), tags: [], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('f'), tags: ['latest'], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('0'), tags: [] },
  ],
  // By tag and digest: the digest wins.
  sidecar: [
    { digest: digest('c'), tags: ['v3'], keptFor: 'in-use-kubernetes-pod' },
    { digest: digest('e'), tags: ['v2'] },
  ],
  // The dual-stack host (a Deployment); the same name in eu-west-1 protects nothing here.
  'metrics-exporter': [
    { digest: digest('5'), tags: ['1.2'], keptFor: 'in-use-kubernetes-workload' },
    { digest: digest('6'), tags: ['1.1'] },
  ],
};

/** Deletes every image pushed more than a day ago: only what is in use stays. */
const CONFIG = `cleanup:
  dryRun: true
  keepAtLeast: 0
  maxDeletionShare: 1
  rules:
    - repositories: ["**"]
      policy:
        rules:
          - rulePriority: 1
            description: Everything older than a day
            selection:
              tagStatus: any
              countType: sinceImagePushed
              countUnit: days
              countNumber: 1
            action:
              type: expire
`;

function snapshotWith(kubectlOutput: string) {
  return {
    snapshotVersion: 1,
    account: ACCOUNT,
    region: REGION,
    takenAt: TAKEN_AT,
    repositories: Object.entries(REGISTRY).map(([name, images]) => ({
      repository: { repositoryName: name, registryId: ACCOUNT, repositoryUri: `${SAMPLE_REGISTRY}/${name}` },
      images: images.map((image) => ({
        registryId: ACCOUNT,
        repositoryName: name,
        imageDigest: image.digest,
        ...(image.tags.length === 0 ? {} : { imageTags: image.tags }),
        imageSizeInBytes: 1_000_000,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        imageStatus: 'ACTIVE',
        imagePushedAt: PUSHED_AT,
      })),
      manifests: {},
    })),
    ecs: { tasks: [], services: [], taskDefinitions: [] },
    lambda: { functions: [] },
    kubernetes: [{ cluster: 'prod-eks', objects: kubectlOutput }],
  };
}

interface PlanJson {
  repositories: {
    repositoryName: string;
    keep: { imageDigest: string; reasons: { kind: string; cluster?: string }[] }[];
    delete: { imageDigest: string }[];
  }[];
}

/** Plans against kubectl's output with the built CLI and checks every seeded image's fate. */
export async function checkPlanOfKubectlOutput(
  results: CheckResults,
  workDir: string,
  kubectlOutput: string,
  cliPath: string,
): Promise<void> {
  const snapshotPath = join(workDir, 'kubectl-snapshot.json');
  const configPath = join(workDir, 'ecr-warden.yml');
  writeFileSync(snapshotPath, JSON.stringify(snapshotWith(kubectlOutput)));
  writeFileSync(configPath, CONFIG);
  const run = await runCommand(
    process.execPath,
    [cliPath, 'cleanup', 'plan', '--snapshot', snapshotPath, '--config', configPath, '--output', 'json'],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir }, timeoutMs: TIMEOUT_MS },
  );
  results.expect(
    run.status === 0,
    'cleanup plan --snapshot (built CLI) accepts kubectl’s output as kubernetes[].objects',
    run.stderr.trim().split('\n')[0],
  );
  if (run.status !== 0) return;
  const plan = JSON.parse(run.stdout) as PlanJson;
  // `<repository>@<digest's hex digit> <fate>`: the Kubernetes reason kind the image was kept for,
  // else every reason it was kept for, or `deleted`, or `missing` from the plan.
  const fate = (repositoryName: string, image: SeededImage) => {
    const repository = plan.repositories.find((entry) => entry.repositoryName === repositoryName);
    const kept = repository?.keep.find((entry) => entry.imageDigest === image.digest);
    if (kept !== undefined) {
      const kinds = kept.reasons.map((reason) => reason.kind);
      const wanted = image.keptFor;
      return wanted !== undefined && kinds.includes(wanted) ? wanted : `kept ${kinds.join('+')}`;
    }
    return repository?.delete.some((entry) => entry.imageDigest === image.digest) === true
      ? 'deleted'
      : 'missing';
  };
  const actual: string[] = [];
  const expected: string[] = [];
  for (const [name, images] of Object.entries(REGISTRY)) {
    for (const image of images) {
      const label = `${name}@${image.digest.slice(7, 8)}`;
      actual.push(`${label} ${fate(name, image)}`);
      expected.push(`${label} ${image.keptFor ?? 'deleted'}`);
    }
  }
  results.expectEqual(
    actual,
    expected,
    'keeps every image the seeded pods and workloads run, with the Kubernetes reasons, and deletes the others',
  );
  const clusters = plan.repositories.flatMap((repository) =>
    repository.keep.flatMap((entry) =>
      entry.reasons
        .filter((reason) => reason.kind.startsWith('in-use-kubernetes'))
        .map((reason) => reason.cluster),
    ),
  );
  results.expectEqual([...new Set(clusters)], ['prod-eks'], 'every Kubernetes reason names the cluster');
}
