// local/sample-data/sample-snapshot.json is the sample registry as `ecr-warden snapshot` writes it: the
// CLI's --snapshot commands read it where they once replayed the simulator's sample format.
import { readFileSync } from 'node:fs';
import { buildSampleSnapshot, SAMPLE_SNAPSHOT_PATH } from '../../../local/registry-sim/data/sample-snapshot';
import { readSnapshot } from '../../../shared/cleanup/snapshot';

describe('the sample snapshot', () => {
  it('is what `ecr-warden snapshot` writes of the sample registry today (rebuild: npm run sample:build)', async () => {
    const rebuilt = await buildSampleSnapshot();

    expect(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')).toBe(rebuilt);
  });

  it('holds both regions of the sample, taken at its asOf', () => {
    const snapshot = readSnapshot(JSON.parse(readFileSync(SAMPLE_SNAPSHOT_PATH, 'utf8')));

    expect(snapshot.takenAt).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(snapshot.registries.map((registry) => [registry.region, registry.repositories.length])).toEqual([
      ['us-east-1', 8],
      ['us-west-2', 4],
    ]);
  });
});
