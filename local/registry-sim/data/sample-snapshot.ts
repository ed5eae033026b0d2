/**
 * The simulator's world in the snapshot format (shared/cleanup/snapshot.ts), read through the code of
 * `ecr-warden snapshot` itself: the live readers against the simulator, so that a snapshot answers what
 * ECR answered. Builds local/sample-data/sample-snapshot.json, the sample registry in that format, for
 * the CLI's --snapshot commands. Run: npx tsx local/registry-sim/data/sample-snapshot.ts
 * The result is deterministic: rebuilding gives the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { silenceSdkNodeVersionWarning } from '../../../cli/live-options';
import { readLiveSnapshot } from '../../../cli/live-registry';
import { SNAPSHOT_TASK_DEFINITION_REVISIONS } from '../../../cli/snapshot-command';
import type { SnapshotJson } from '../../../shared/cleanup/take-snapshot';
import { createRegistrySimulator, type RegistrySimulator } from '../simulator';

export const SAMPLE_SNAPSHOT_PATH = join(__dirname, '..', '..', 'sample-data', 'sample-snapshot.json');

/** `ecr-warden snapshot --region R` of the simulated account, taken at the simulator's now. */
export async function takeSimulatorSnapshot(
  sim: RegistrySimulator,
  region = 'us-east-1',
): Promise<SnapshotJson> {
  silenceSdkNodeVersionWarning();
  const installed = sim.install();
  try {
    return await readLiveSnapshot({
      region,
      taskDefinitionRevisions: SNAPSHOT_TASK_DEFINITION_REVISIONS,
      now: sim.clock.nowMs(),
      registrySettings: true,
      // Not a terminal: no progress bar.
      progressStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
  } finally {
    installed.restore();
  }
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
