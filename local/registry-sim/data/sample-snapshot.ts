/**
 * The simulator's world in the snapshot format (shared/cleanup/snapshot.ts), read through the code of
 * `ecr-warden snapshot` itself: the live readers against the simulator, so that a snapshot answers what
 * ECR answered. Builds local/sample-data/sample-snapshot.json, the sample registry in that format, for
 * the CLI's --snapshot commands. Run: npx tsx local/registry-sim/data/sample-snapshot.ts
 * The result is deterministic: rebuilding gives the same bytes.
 *
 * The world's EKS clusters of the snapshot's account and region (the sample's demo-eks) are read as
 * `ecr-warden snapshot --config` reads a config's `kubernetes.clusters`: each one's objects served by a
 * Kubernetes API stand-in on loopback, through an EKS token signed with the stand-in's keys as the
 * simulator's default caller (the worker role its access entry names), into the snapshot's `kubernetes`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { silenceSdkNodeVersionWarning } from '../../../cli/live-options';
import { readLiveSnapshot } from '../../../cli/live-registry';
import { SNAPSHOT_TASK_DEFINITION_REVISIONS } from '../../../cli/snapshot-command';
import type { SnapshotJson } from '../../../shared/cleanup/take-snapshot';
import { parseConfig } from '../../../shared/config/load-config';
import { STAND_IN_CREDENTIALS } from '../../kubernetes-api/server';
import { serveSimulatedClusters } from '../../kubernetes-api/simulated-clusters';
import { createRegistrySimulator, type RegistrySimulator } from '../simulator';

export const SAMPLE_SNAPSHOT_PATH = join(__dirname, '..', '..', 'sample-data', 'sample-snapshot.json');

/** `ecr-warden snapshot --region R` of the simulated account, taken at the simulator's now. */
export async function takeSimulatorSnapshot(
  sim: RegistrySimulator,
  region = 'us-east-1',
): Promise<SnapshotJson> {
  silenceSdkNodeVersionWarning();
  const clusters = sim
    .eks({ region })
    .clusters()
    .filter((cluster) => cluster.objects.length > 0);
  const principal = { ...STAND_IN_CREDENTIALS, arn: sim.services.identity.defaultCallerRoleArn };
  const apis = clusters.length === 0 ? undefined : await serveSimulatedClusters(sim, principal);
  const savedKeys = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  // The EKS token is signed with the credentials the CLI finds in the environment.
  if (apis !== undefined) {
    process.env.AWS_ACCESS_KEY_ID = principal.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = principal.secretAccessKey;
  }
  const installed = sim.install();
  try {
    return await readLiveSnapshot({
      region,
      taskDefinitionRevisions: SNAPSHOT_TASK_DEFINITION_REVISIONS,
      now: sim.clock.nowMs(),
      registrySettings: true,
      // Not a terminal: no progress bar.
      progressStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
      ...(apis === undefined
        ? {}
        : {
            inUse: {
              protect: parseConfig({
                cleanup: { protect: { kubernetes: { clusters: clusters.map((cluster) => cluster.name) } } },
              }).cleanup.protect,
            },
          }),
    });
  } finally {
    installed.restore();
    if (apis !== undefined) {
      restoreEnv('AWS_ACCESS_KEY_ID', savedKeys.id);
      restoreEnv('AWS_SECRET_ACCESS_KEY', savedKeys.secret);
      await apis.close();
    }
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** The sample registry (local/sample-data/sample-registry.json) as a snapshot file's text. */
export async function buildSampleSnapshot(): Promise<string> {
  const sim = createRegistrySimulator();
  sim.loadSample();
  return `${JSON.stringify(await takeSimulatorSnapshot(sim), null, 2)}\n`;
}

if (require.main === module) {
  buildSampleSnapshot().then((text) => writeFileSync(SAMPLE_SNAPSHOT_PATH, text));
}
