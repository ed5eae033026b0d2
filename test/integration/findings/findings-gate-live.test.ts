import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CliError } from '../../../cli/errors';
import { type GateOptions, parseImageReference, runFindingsGate } from '../../../cli/findings-command';
import { type InstalledSimulator, imageManifest, type RegistrySimulator } from '../../../local/registry-sim';
import { createScanFindingsReader } from '../../../shared/aws/scan-findings-reader';
import { useRegistrySimulator } from '../../support/registry-simulator';
import { basicFinding } from './findings-harness';

// The live gate (`ecr-warden findings gate --image ...`) against the simulator: DescribeImageScanFindings
// through the real ECR client, polling on a virtual clock whose sleeps let the scan progress.
let sim: RegistrySimulator;
let env: InstalledSimulator;
let digest: string;

useRegistrySimulator((installed) => ({ sim, env } = installed));
beforeEach(() => {
  sim.addRepository('team-a/api');
  digest = sim.pushImage({
    repositoryName: 'team-a/api',
    manifest: imageManifest({ seed: 'g' }),
    tags: ['v7'],
  }).image.digest;
});

interface GateRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  sleeps: number[];
}

async function gate(
  options: Partial<GateOptions>,
  onSleep: (n: number) => void = () => undefined,
): Promise<GateRun> {
  let now = 0;
  const sleeps: number[] = [];
  let stdout = '';
  const deps = {
    reader: createScanFindingsReader(new ECRClient({ region: 'us-east-1' })),
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
      onSleep(sleeps.length);
    },
  };
  try {
    await runFindingsGate(
      { output: 'text', ...options },
      (text) => {
        stdout += text;
      },
      deps,
    );
    return { exitCode: 0, stdout, stderr: '', sleeps };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { exitCode: error.exitCode, stdout, stderr: error.message, sleeps };
  }
}

const complete = (findings: ReturnType<typeof basicFinding>[]) =>
  sim.setScan(
    'team-a/api',
    { imageDigest: digest },
    { status: 'COMPLETE', completedAt: '2026-10-31T23:59:00Z', findings },
  );

describe('ecr-warden findings gate --image (live)', () => {
  it('waits for an IN_PROGRESS scan, polling with growing delays, then blocks with exit 1', async () => {
    sim.setScan('team-a/api', { imageDigest: digest }, { status: 'IN_PROGRESS' });

    const run = await gate({ image: 'team-a/api:v7', failOn: 'HIGH', wait: '300' }, (n) => {
      if (n === 3) complete([basicFinding('CVE-2026-7000', 'HIGH'), basicFinding('CVE-2026-7001', 'LOW')]);
    });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('deploy blocked: 1 finding at or above HIGH');
    expect(run.stdout).toContain('CVE-2026-7000');
    expect(env.calls.count('DescribeImageScanFindings')).toBe(4);
    expect(run.sleeps).toHaveLength(3);
    expect(run.sleeps.every((ms) => ms >= 1_000 && ms <= 30_000)).toBe(true);
    expect(run.sleeps[2]).toBeGreaterThan(run.sleeps[0] ?? 0);
  });

  it('passes with exit 0 on REPOSITORY@DIGEST when nothing reaches --fail-on', async () => {
    complete([basicFinding('CVE-2026-7002', 'MEDIUM')]);

    const run = await gate({ image: `team-a/api@${digest}`, failOn: 'HIGH' });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^PASS: team-a/api@${digest.slice(0, 19)}: no unsuppressed finding at or above HIGH; 1 below`,
      ),
    );
  });

  it('cannot decide (exit 2) when the scan is still running at the --wait deadline', async () => {
    sim.setScan('team-a/api', { imageDigest: digest }, { status: 'IN_PROGRESS' });

    const run = await gate({ image: 'team-a/api:v7', failOn: 'HIGH', wait: '60' });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('could not decide: the scan is IN_PROGRESS after waiting 60 s');
    expect(run.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(60_000);
  });

  it('waits through ScanNotFoundException right after a push, and without --wait says how to wait', async () => {
    const run = await gate({ image: 'team-a/api:v7', failOn: 'HIGH' });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      'could not decide: no scan of the image yet (ScanNotFoundException); pass --wait SECONDS to wait for it',
    );
    expect(run.sleeps).toEqual([]);
  });

  it('cannot decide (exit 2) at once when the image does not exist or its scan failed', async () => {
    sim.setScan(
      'team-a/api',
      { imageDigest: digest },
      { status: 'FAILED', description: 'UnsupportedImageError' },
    );

    const missing = await gate({ image: 'team-a/api:v8', failOn: 'HIGH', wait: '300' });
    const failed = await gate({ image: 'team-a/api:v7', failOn: 'HIGH', wait: '300' });

    expect(missing).toMatchObject({ exitCode: 2, sleeps: [] });
    expect(missing.stderr).toMatch(/^could not decide: image-not-found: /);
    expect(failed).toMatchObject({ exitCode: 2, sleeps: [] });
    expect(failed.stderr).toBe('could not decide: the scan is FAILED (UnsupportedImageError)');
  });

  it('falls back to the repository threshold of the config when --fail-on is not given', async () => {
    complete([basicFinding('CVE-2026-7003', 'MEDIUM')]);

    const dir = mkdtempSync(join(tmpdir(), 'ecr-warden-gate-'));
    const config = join(dir, 'ecr-warden.yml');
    writeFileSync(
      config,
      'scanning:\n  thresholds:\n    - repositories: ["team-a/**"]\n      minSeverity: MEDIUM\n',
    );

    const run = await gate({ image: 'team-a/api:v7', config });
    rmSync(dir, { recursive: true, force: true });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('deploy blocked: 1 finding at or above MEDIUM');
  });
});

describe('parseImageReference', () => {
  it('reads a full ECR image URI, taking the registry and the region from it', () => {
    expect(
      parseImageReference(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team-a/api@sha256:${'b'.repeat(64)}`),
    ).toEqual({
      repositoryName: 'team-a/api',
      image: { imageDigest: `sha256:${'b'.repeat(64)}` },
      registryId: '123456789012',
      region: 'eu-west-1',
    });
    expect(() => parseImageReference('team-a/api')).toThrow(
      /--image must be REPOSITORY:TAG or REPOSITORY@sha256:DIGEST/,
    );
  });
});
