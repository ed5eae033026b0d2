// The live check (npm run test:aws) rehearsed offline: the same code, with the registry simulator behind
// the real ECR client and the layer-upload API (which the simulator does not model) played by a fake that
// checks what ECR checks: contiguous parts, and the digest of the assembled blob.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  ECRClient,
  InitiateLayerUploadCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';
import { runLiveCheck } from '../../live/live-check';
import { ROOT } from '../../support/cli';

const REPOSITORY = 'ecr-warden-live-check/rehearsal';
// Small parts, so that a blob takes several UploadLayerPart calls as a large one would.
const PART_SIZE = 256;

let sim: RegistrySimulator;
let aws: InstalledSimulator;
let uploads: Map<string, Buffer>;
let blobs: Set<string>;
let lines: string[];

beforeEach(() => {
  sim = createRegistrySimulator();
  aws = sim.install();
  uploads = new Map();
  blobs = new Set();
  lines = [];
  const ecr = aws.mocks.ecr;
  ecr.on(BatchCheckLayerAvailabilityCommand).callsFake((input: { layerDigests: string[] }) => ({
    layers: input.layerDigests.map((layerDigest) => ({
      layerDigest,
      layerAvailability: blobs.has(layerDigest) ? 'AVAILABLE' : 'UNAVAILABLE',
    })),
    failures: [],
  }));
  ecr.on(InitiateLayerUploadCommand).callsFake(() => {
    const uploadId = `upload-${uploads.size + 1}`;
    uploads.set(uploadId, Buffer.alloc(0));
    return { uploadId, partSize: PART_SIZE };
  });
  ecr
    .on(UploadLayerPartCommand)
    .callsFake(
      (input: {
        uploadId: string;
        partFirstByte: number;
        partLastByte: number;
        layerPartBlob: Uint8Array;
      }) => {
        const sofar = uploads.get(input.uploadId);
        if (sofar === undefined || input.partFirstByte !== sofar.length)
          throw new Error('InvalidLayerPartException');
        if (input.partLastByte - input.partFirstByte + 1 !== input.layerPartBlob.length) {
          throw new Error('InvalidLayerPartException: the range does not match the part');
        }
        uploads.set(input.uploadId, Buffer.concat([sofar, input.layerPartBlob]));
        return { uploadId: input.uploadId, lastByteReceived: input.partLastByte };
      },
    );
  ecr.on(CompleteLayerUploadCommand).callsFake((input: { uploadId: string; layerDigests: string[] }) => {
    const bytes = uploads.get(input.uploadId) ?? Buffer.alloc(0);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (digest !== input.layerDigests[0]) throw new Error(`InvalidLayerException: ${digest}`);
    blobs.add(digest);
    return { layerDigest: digest };
  });
});
afterEach(() => aws.restore());

const rehearse = () =>
  runLiveCheck({
    ecr: new ECRClient({ region: 'us-east-1', retryMode: 'standard', maxAttempts: 3 }),
    region: 'us-east-1',
    repositoryName: REPOSITORY,
    log: (line) => lines.push(line),
    pause: async (ms) => sim.clock.advance({ seconds: Math.ceil(ms / 1000) }),
  });

describe('the live check, rehearsed on the registry simulator', () => {
  it('pushes two images, cleans one, fixes tag mutability, reads replication and deletes the repository', async () => {
    const report = await rehearse();

    expect(report.steps.map((step) => [step.step, step.ok])).toEqual([
      ['create a temporary repository', true],
      ['push two tiny images through the layer-upload API', true],
      ['cleanup plan (dry run): delete old, keep new, delete nothing', true],
      ['cleanup apply: old deleted, new kept', true],
      ['immutability check: drift reported in dry run, then fixed', true],
      ['replication status read', true],
      ['delete the temporary repository', true],
    ]);
    expect(report).toMatchObject({ ok: true, cleanedUp: true, repositoryName: REPOSITORY });
    expect(aws.calls.count('BatchDeleteImage')).toBe(1);
    expect(aws.calls.count('PutImageTagMutability')).toBe(1);
    expect(aws.calls.count('DescribeImageReplicationStatus')).toBe(1);
    expect(() => sim.repository(REPOSITORY)).toThrow();
  });

  it('uploads each blob in contiguous parts and each blob once', async () => {
    await rehearse();

    const partCalls = aws.mocks.ecr.commandCalls(UploadLayerPartCommand).length;
    expect(blobs.size).toBe(4);
    expect(partCalls).toBeGreaterThan(blobs.size);
    expect(aws.mocks.ecr.commandCalls(CompleteLayerUploadCommand)).toHaveLength(4);
  });

  it('still deletes the repository when a step fails, and reports the failure', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    aws.faults.serverError({ service: 'ecr', api: 'BatchDeleteImage' });

    const report = await rehearse();

    expect(report.ok).toBe(false);
    expect(report.steps.find((step) => !step.ok)).toMatchObject({
      step: 'cleanup apply: old deleted, new kept',
    });
    expect(report.steps.at(-1)).toEqual({
      step: 'delete the temporary repository',
      ok: true,
      detail: REPOSITORY,
    });
    expect(report.cleanedUp).toBe(true);
    expect(() => sim.repository(REPOSITORY)).toThrow();
  });

  it('deletes nothing when the repository could not be created', async () => {
    sim.addRepository(REPOSITORY);

    const report = await rehearse();

    expect(report.steps).toEqual([
      expect.objectContaining({ step: 'create a temporary repository', ok: false }),
    ]);
    expect(report.cleanedUp).toBe(true);
    expect(aws.calls.count('DeleteRepository')).toBe(0);
  });
});

describe('npm run test:aws without ECR_WARDEN_LIVE', () => {
  it('says it was skipped and why, and exits 0', () => {
    const env = { ...process.env };
    delete env.ECR_WARDEN_LIVE;

    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'test', 'live', 'run-live-check.ts')],
      { cwd: ROOT, env, encoding: 'utf8' },
    );

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^live check skipped: set ECR_WARDEN_LIVE=1/);
  });
});
