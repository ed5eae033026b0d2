// Every CLI input file, fed hostile JSON: the command either succeeds or fails with a CliError
// (one `ecr-warden:` line, exit 1 or 2), never with another error (exit 70, a stack trace). Run in
// process through main(), on files in a temporary directory, rather than one process per case.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CliError } from '../../../cli/errors';
import { main } from '../../../cli/main';
import { ROOT } from '../../support/cli';

const RUNS = { seed: 20_261_204, numRuns: 60 };
const sample = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const file = (path: string) => join(ROOT, path);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecr-warden-hostile-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const EXAMPLE_POLICY = file('examples/lifecycle/policy.json');
const EXAMPLE_IMAGES = file('examples/lifecycle/images.json');
const preview = (policy: string, images: string, ...options: string[]) => [
  'lifecycle',
  'preview',
  '--policy',
  policy,
  '--images',
  images,
  ...options,
];

/** Each input a command reads, with a valid sample of it, and the command line around it. */
const INPUTS: { name: string; sample: string; args: (input: string) => string[] }[] = [
  {
    name: 'lifecycle preview --images',
    sample: 'examples/lifecycle/images.json',
    args: (input) => preview(EXAMPLE_POLICY, input, '--now', '2026-03-01', '--output', 'table'),
  },
  {
    name: 'lifecycle preview --policy',
    sample: 'examples/lifecycle/policy.json',
    args: (input) => preview(input, EXAMPLE_IMAGES, '--output', 'json'),
  },
  {
    name: 'lifecycle preview --manifests',
    sample: 'examples/lifecycle/manifests.json',
    args: (input) => preview(EXAMPLE_POLICY, EXAMPLE_IMAGES, '--manifests', input),
  },
  {
    name: 'cleanup plan --snapshot',
    sample: 'examples/snapshot/snapshot.json',
    args: (input) => [
      'cleanup',
      'plan',
      '--config',
      file('examples/snapshot/ecr-warden.yml'),
      '--snapshot',
      input,
      '--output',
      'json',
    ],
  },
  {
    name: 'repositories audit --snapshot',
    sample: 'examples/snapshot/snapshot.json',
    args: (input) => [
      'repositories',
      'audit',
      '--config',
      file('examples/snapshot/ecr-warden.yml'),
      '--snapshot',
      input,
    ],
  },
  {
    name: 'replication audit --snapshot',
    sample: 'local/sample-data/sample-snapshot.json',
    args: (input) => ['replication', 'audit', '--snapshot', input, '--output', 'json'],
  },
  {
    name: 'findings gate --findings',
    sample: 'test/events/aws.ecr/describe-image-scan-findings-enhanced.json',
    args: (input) => [
      'findings',
      'gate',
      '--repository',
      'payments-api',
      '--findings',
      input,
      '--now',
      '2026-03-01',
    ],
  },
  {
    name: 'notify preview --event',
    sample: 'test/events/ecr-warden/vulnerability-alert.json',
    args: (input) => ['notify', 'preview', '--event', input, '--output', 'json'],
  },
];

type Path = (string | number)[];

/** Every path into a document, to at most `depth` levels (the first two entries of each array). */
function pathsOf(value: unknown, depth = 5, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (depth === 0 || typeof value !== 'object' || value === null) return paths;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.slice(0, 2).map((item, i) => [i, item])
    : Object.entries(value);
  for (const [key, child] of entries) paths.push(...pathsOf(child, depth - 1, [...prefix, key]));
  return paths;
}

/** The JSON text of `document` with the value at `path` replaced by `replacement` (JSON text). */
function replaceAt(document: unknown, path: Path, replacement: string): string {
  const MARK = '\u0000hostile\u0000';
  const copy = structuredClone(document);
  if (path.length === 0) return replacement;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = MARK;
  return JSON.stringify(copy).replace(JSON.stringify(MARK), replacement);
}

/** Hostile values as JSON text: deep nesting (closed or cut off), odd scalars, random JSON. */
const hostileValue: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 200, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 200, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.integer({ min: 1_000, max: 50_000 }).map((n) => '['.repeat(n)),
  fc.constantFrom(
    'null',
    'true',
    '-1',
    '1e400',
    '""',
    '"2026-02-30T00:00:00Z"',
    '"2026-13-01"',
    '"24:61"',
    '"ARCHIVE"',
    '"\\ud800"',
    '{"__proto__": {"polluted": 1}}',
    '[]',
    '{}',
  ),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
);

async function outcomeOf(args: string[]): Promise<'ok' | 'refused'> {
  try {
    await main(args, () => {});
    return 'ok';
  } catch (error) {
    if (error instanceof CliError && (error.exitCode === 1 || error.exitCode === 2)) return 'refused';
    throw error;
  }
}

describe.each(INPUTS)('$name on hostile JSON', ({ sample: samplePath, args }) => {
  const document = sample(samplePath);
  const paths = pathsOf(document);

  it('succeeds or is refused with exit 1 or 2, whatever replaces any part of a valid input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), hostileValue, async (path, value) => {
        const input = join(dir, 'input.json');
        writeFileSync(input, replaceAt(document, path, value));
        await outcomeOf(args(input));
      }),
      RUNS,
    );
  });

  it('succeeds or is refused with exit 1 or 2 on text that is cut off or not JSON at all', async () => {
    const text = JSON.stringify(document, null, 2);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: text.length }),
        fc.string({ maxLength: 20 }),
        async (cut, tail) => {
          const input = join(dir, 'input.json');
          writeFileSync(input, text.slice(0, cut) + tail);
          await outcomeOf(args(input));
        },
      ),
      RUNS,
    );
  });
});
