// The built `ecr-warden` CLI (dist/cli.mjs behind bin/ecr-warden.js), run as a child process on
// files in a temporary directory, as a user would run it on the output of the AWS CLI.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, type CliRun, expectOneLineError, ROOT, runCli } from '../../support/cli';
import { scratchDirPerTest } from '../../support/scratch-dir';

const POLICIES = join(ROOT, 'test', 'events', 'lifecycle');

const NOW_ISO = '2026-03-01T12:00:00Z';
const NOW = Date.parse(NOW_ISO);
const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** `lifecycle preview` of `images` under `policy` as of NOW, with any further options. */
function runPreview(policy: string, images: string, ...options: string[]): CliRun {
  return runCli('lifecycle', 'preview', '--policy', policy, '--images', images, '--now', NOW_ISO, ...options);
}

function documentedPolicy(name: string): string {
  return join(POLICIES, `${name}.json`);
}

function digest(letter: string): string {
  return `sha256:${letter.repeat(64)}`;
}

type TimestampStyle = 'iso' | 'epoch';

/** An `aws ecr describe-images --output json` entry pushed `daysAgo` days before NOW. */
function imageDetail(
  letter: string,
  tags: string[],
  daysAgo: number,
  style: TimestampStyle,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const pushedAt = NOW - daysAgo * DAY_MS;
  return {
    registryId: '123456789012',
    repositoryName: 'payments-api',
    imageDigest: digest(letter),
    ...(tags.length > 0 ? { imageTags: tags } : {}),
    imageSizeInBytes: GIB,
    imageManifestMediaType: OCI_MANIFEST,
    imageStatus: 'ACTIVE',
    // AWS CLI v2 prints ISO 8601 with an offset; v1 prints epoch seconds.
    imagePushedAt:
      style === 'iso' ? new Date(pushedAt).toISOString().replace('.000Z', '+00:00') : pushedAt / 1000,
    ...extra,
  };
}

/** The repository of "Filtering on multiple rules", Example A, on the documented examples page. */
function multipleRulesRepository(style: TimestampStyle): { imageDetails: Record<string, unknown>[] } {
  return {
    imageDetails: [
      imageDetail('a', ['beta-1', 'prod-1'], 10, style, { imageSizeInBytes: 5 * GIB }),
      imageDetail('b', ['beta-2', 'prod-2'], 9, style),
      imageDetail('c', ['beta-3'], 8, style),
    ],
  };
}

/** A timestamp of the preview as epoch milliseconds, whether it was printed as ISO or epoch seconds. */
function instantOf(value: unknown): number {
  return typeof value === 'number' ? value * 1000 : Date.parse(String(value));
}

const scratch = scratchDirPerTest('ecr-warden-cli-');

beforeAll(buildCli);

describe('ecr-warden lifecycle preview', () => {
  it('prints the GetLifecyclePolicyPreview shape for the documented "multiple rules" Example A: image A expired by rule 1', () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));

    const run = runPreview(documentedPolicy('multiple-rules-a'), images, '--output', 'json');

    expect(run.status).toBe(0);
    const preview = JSON.parse(run.stdout);
    expect(preview).toEqual({
      status: 'COMPLETE',
      previewResults: [
        {
          imageDigest: digest('a'),
          imageTags: ['beta-1', 'prod-1'],
          imagePushedAt: expect.anything(),
          action: { type: 'EXPIRE' },
          appliedRulePriority: 1,
          storageClass: 'STANDARD',
        },
      ],
      summary: { expiringImageTotalCount: 1 },
    });
    expect(instantOf(preview.previewResults[0].imagePushedAt)).toBe(NOW - 10 * DAY_MS);
  });

  it('gives the same preview for describe-images output with epoch-second timestamps as for ISO ones', () => {
    const iso = scratch.write('iso.json', multipleRulesRepository('iso'));
    const epoch = scratch.write('epoch.json', multipleRulesRepository('epoch'));
    const policy = documentedPolicy('all-images-a');

    const fromIso = runPreview(policy, iso, '--output', 'json');
    const fromEpoch = runPreview(policy, epoch, '--output', 'json');

    expect([fromIso.status, fromEpoch.status]).toEqual([0, 0]);
    const normalise = (stdout: string) => {
      const preview = JSON.parse(stdout);
      for (const result of preview.previewResults) result.imagePushedAt = instantOf(result.imagePushedAt);
      return preview;
    };
    expect(normalise(fromEpoch.stdout)).toEqual(normalise(fromIso.stdout));
    expect(normalise(fromIso.stdout).summary).toEqual({ expiringImageTotalCount: 2 });
  });

  describe('with --manifests', () => {
    const policy = {
      rules: [
        {
          rulePriority: 1,
          description: 'Untagged images go after a week',
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 7,
          },
          action: { type: 'expire' },
        },
      ],
    };
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: digest('1'),
          size: 900,
          platform: { architecture: 'amd64', os: 'linux' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: digest('2'),
          size: 900,
          platform: { architecture: 'arm64', os: 'linux' },
        },
      ],
    };
    const repository = () => ({
      imageDetails: [
        imageDetail('f', ['v1'], 20, 'iso', { imageManifestMediaType: OCI_INDEX }),
        imageDetail('1', [], 20, 'iso'),
        imageDetail('2', [], 20, 'iso'),
        imageDetail('3', [], 20, 'iso'),
      ],
    });
    const batchGetImage = () => ({
      images: [
        {
          registryId: '123456789012',
          repositoryName: 'payments-api',
          imageId: { imageDigest: digest('f'), imageTag: 'v1' },
          imageManifest: JSON.stringify(index),
          imageManifestMediaType: OCI_INDEX,
        },
      ],
      failures: [],
    });
    const expiredDigests = (run: CliRun) =>
      JSON.parse(run.stdout).previewResults.map((r: { imageDigest: string }) => r.imageDigest);

    it('expires the untagged children of a manifest list when it is not told about the list', () => {
      const [policyFile, images] = [
        scratch.write('policy.json', policy),
        scratch.write('images.json', repository()),
      ];

      const run = runPreview(policyFile, images, '--output', 'json');

      expect(run.status).toBe(0);
      expect(expiredDigests(run)).toEqual([digest('1'), digest('2'), digest('3')]);
    });

    it('keeps the children of a manifest list and expires only the orphan untagged image', () => {
      const [policyFile, images] = [
        scratch.write('policy.json', policy),
        scratch.write('images.json', repository()),
      ];
      const manifests = scratch.write('manifests.json', batchGetImage());

      const run = runPreview(policyFile, images, '--manifests', manifests, '--output', 'json');

      expect(run.status).toBe(0);
      expect(expiredDigests(run)).toEqual([digest('3')]);
    });

    // LifecyclePolicies.html: a child "cannot be expired or archived without the manifest list being
    // deleted or archived first": once the list is archived, ECR's lifecycle acts on its children.
    it('expires the children of a manifest list that is archived, as ECR does', () => {
      const archived = repository();
      archived.imageDetails[0] = {
        ...archived.imageDetails[0],
        imageStatus: 'ARCHIVED',
        lastArchivedAt: new Date(NOW - 5 * DAY_MS).toISOString(),
      };
      const [policyFile, images] = [
        scratch.write('policy.json', policy),
        scratch.write('images.json', archived),
      ];
      const manifests = scratch.write('manifests.json', batchGetImage());

      const run = runPreview(policyFile, images, '--manifests', manifests, '--output', 'json');

      expect(run.status).toBe(0);
      expect(expiredDigests(run)).toEqual([digest('1'), digest('2'), digest('3')]);
    });
  });

  it('prints a table with the totals and what the expired images cost a month', () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));

    const run = runPreview(documentedPolicy('multiple-rules-a'), images);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('aaaaaaaaaaaa');
    expect(run.stdout).toMatch(/3 images evaluated\b.*\b1 expire\b.*\b2 stay\b/);
    // Image A is 5 GiB: $0.10 per GB-month makes $0.50 a month.
    expect(run.stdout).toContain('$0.50/month');
  });

  it('accepts what `aws ecr get-lifecycle-policy` prints, with the policy as a string in lifecyclePolicyText', () => {
    const policyText = readFileSync(documentedPolicy('multiple-rules-a'), 'utf8');
    const getLifecyclePolicy = scratch.write('get-lifecycle-policy.json', {
      registryId: '123456789012',
      repositoryName: 'payments-api',
      lifecyclePolicyText: policyText,
      lastEvaluatedAt: '2026-02-28T00:00:00+00:00',
    });
    const images = scratch.write('images.json', multipleRulesRepository('iso'));

    const fromGetLifecyclePolicy = runPreview(getLifecyclePolicy, images, '--output', 'json');
    const fromPolicy = runPreview(documentedPolicy('multiple-rules-a'), images, '--output', 'json');

    expect(fromGetLifecyclePolicy.status).toBe(0);
    expect(fromGetLifecyclePolicy.stdout).toBe(fromPolicy.stdout);
  });
});

describe('ecr-warden lifecycle validate', () => {
  it('exits 0 for a valid policy and says so', () => {
    const run = runCli('lifecycle', 'validate', '--policy', documentedPolicy('all-images-b'));

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/valid lifecycle policy, 3 rules/);
  });

  it('exits 0 for `aws ecr get-lifecycle-policy` output', () => {
    const policyText = readFileSync(documentedPolicy('archive-and-expire'), 'utf8');
    const path = scratch.write('get-lifecycle-policy.json', {
      repositoryName: 'payments-api',
      lifecyclePolicyText: policyText,
    });

    const run = runCli('lifecycle', 'validate', '--policy', path);

    expect(run.status).toBe(0);
  });

  // A policy file is what `aws ecr put-lifecycle-policy --lifecycle-policy-text file://...` sends
  // verbatim, so PutLifecyclePolicy's 100 to 30,720 character limit applies to the file as it is.
  it('rejects a policy file longer than 30,720 characters, which PutLifecyclePolicy rejects', () => {
    const rules = Array.from({ length: 200 }, (_, i) => ({
      rulePriority: i + 1,
      description: `Keep the five newest images of release train ${i}`,
      selection: {
        tagStatus: 'tagged',
        tagPatternList: [`release-${i}-*`],
        countType: 'imageCountMoreThan',
        countNumber: 5,
      },
      action: { type: 'expire' },
    }));
    const compact = JSON.stringify({ rules });
    const path = scratch.write('policy.json', compact);

    const run = runCli('lifecycle', 'validate', '--policy', path);

    expect(compact.length).toBeGreaterThan(30_720);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/30720|30,720/);
  });

  it('exits 2 and lists every violation, one per line, under a one-line summary', () => {
    // Three problems: rule 1 has no countUnit, rule 2 a pattern with five wildcards, rule 3 expires
    // by last pull time.
    const fixable = scratch.write('fixable.json', {
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7 },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          selection: {
            tagStatus: 'tagged',
            tagPatternList: ['a*b*c*d*e*f'],
            countType: 'imageCountMoreThan',
            countNumber: 3,
          },
          action: { type: 'expire' },
        },
        {
          rulePriority: 3,
          selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 },
          action: { type: 'expire' },
        },
      ],
    });

    const run = runCli('lifecycle', 'validate', '--policy', fixable);

    expect(run.status).toBe(2);
    expect(run.stderr).not.toMatch(/^ {4}at /m);
    const [summary, ...details] = run.stderr.trimEnd().split('\n');
    expect(summary).toMatch(
      /^ecr-warden: policy file .*fixable\.json is not a valid ECR lifecycle policy \(3 violations\)$/,
    );
    expect(details).toEqual([
      expect.stringMatching(/^ {2}- rule 1 \(rules\[0\]\.selection\.countUnit\): /),
      expect.stringMatching(/^ {2}- rule 2 \(rules\[1\]\.selection\.tagPatternList\[0\]\): /),
      expect.stringMatching(/^ {2}- rule 3 \(rules\[2\]\.selection\.countType\): /),
    ]);
  });
});

describe('ecr-warden input errors: exit 2, one `ecr-warden:` line, no stack trace', () => {
  it('reports a policy file that does not exist', () => {
    const run = runCli('lifecycle', 'validate', '--policy', scratch.path('missing.json'));

    expectOneLineError(run, /policy file not found: .*missing\.json/);
  });

  it('reports a policy path that is a directory', () => {
    const sub = scratch.path('policies');
    mkdirSync(sub);

    const run = runCli('lifecycle', 'validate', '--policy', sub);

    expectOneLineError(run, /policy file is a directory/);
  });

  it('reports invalid JSON with its line and column', () => {
    const path = scratch.write('policy.json', '{\n  "rules": [\n    { "rulePriority": 1, }\n  ]\n}\n');

    const run = runCli('lifecycle', 'validate', '--policy', path);

    expectOneLineError(run, /not valid JSON at line 3, column 26\b/);
  });

  // For JSON that ends too early (a truncated download, an empty file) Node's JSON.parse names no
  // position: the CLI still gives one.
  it('reports a truncated JSON file with the line and column where it ends', () => {
    const path = scratch.write('policy.json', '{\n  "rules": [\n');

    const run = runCli('lifecycle', 'validate', '--policy', path);

    expectOneLineError(run, /not valid JSON at line \d+, column \d+/);
  });

  // For an unexpected token (a misspelt literal, a file that is not JSON at all) Node's message has
  // no position but quotes the file's text over several lines: the CLI gives one line instead.
  it('reports a misspelt literal on one line, with its line and column', () => {
    const path = scratch.write('policy.json', '{\n  "rules": tru\n}\n');

    const run = runCli('lifecycle', 'validate', '--policy', path);

    expectOneLineError(run, /not valid JSON at line 2, column \d+/);
  });

  it('reads a policy file that starts with a byte-order mark, as Windows editors write it', () => {
    const text = readFileSync(documentedPolicy('image-count'), 'utf8');
    const path = scratch.write('policy.json', `\ufeff${text}`);

    const run = runCli('lifecycle', 'validate', '--policy', path);

    expect(run.status).toBe(0);
  });

  it('accepts a --now with an offset and evaluates at that instant', () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));
    const at = new Date(NOW).toISOString().replace('Z', '+00:00');

    const run = runCli(
      'lifecycle',
      'preview',
      '--policy',
      documentedPolicy('multiple-rules-a'),
      '--images',
      images,
      '--now',
      at,
      '--output',
      'json',
    );

    expect(run.status).toBe(0);
  });

  it("reports a --now time without an offset, which would depend on the machine's time zone", () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));

    const run = runCli(
      'lifecycle',
      'preview',
      '--policy',
      documentedPolicy('image-count'),
      '--images',
      images,
      '--now',
      '2026-01-31T09:00:00',
    );

    expectOneLineError(run, /--now .*offset/);
  });

  it('reports an images file that is not describe-images output', () => {
    const images = scratch.write('images.json', { images: [] });

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(run, /images file .*images\.json: expected the output of `aws ecr describe-images/);
  });

  // main.ts parses the images file before loading the command (for the collector's sake): a
  // broken one must still be reported after the policy, in the order the checks always ran.
  it('reports a missing policy before an images file that is missing or not JSON', () => {
    const notJson = scratch.write('images.json', '{"imageDetails": [');

    for (const images of [notJson, scratch.path('missing-images.json')]) {
      const run = runPreview(scratch.path('missing-policy.json'), images, '--output', 'json');

      expectOneLineError(run, /policy file not found: .*missing-policy\.json/);
    }
  });

  it('reports an images file that is not JSON with its line and column, in the JSON preview too', () => {
    const images = scratch.write('images.json', '{"imageDetails": [\n  {"imageDigest": }\n]}\n');

    const run = runPreview(documentedPolicy('image-count'), images, '--output', 'json');

    expectOneLineError(
      run,
      /images file .*images\.json is not valid JSON at line 2, column 19: value expected/,
    );
  });

  it('reports an images entry with a bad timestamp, naming the entry and field', () => {
    const document = multipleRulesRepository('iso');
    const third = document.imageDetails[2] ?? {};
    third.imagePushedAt = 'yesterday';
    const images = scratch.write('images.json', document);

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(run, /imageDetails\[2\]\.imagePushedAt/);
  });

  it('reports an unknown option', () => {
    const run = runCli('lifecycle', 'validate', '--polcy', documentedPolicy('image-count'));

    expectOneLineError(run, /--polcy/);
  });

  it('reports a missing --policy', () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));

    const run = runCli('lifecycle', 'preview', '--images', images);

    expectOneLineError(run, /missing required option --policy/);
  });

  // Date.parse accepts what is not an ISO 8601 time (V8 reads "2026-02-30" as 2 March and "1" as
  // 1 January 2001): the CLI must not.
  it('reports a --now that is not a valid ISO 8601 date', () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));
    const args = ['--policy', documentedPolicy('image-count'), '--images', images, '--now', '2026-02-30'];

    const run = runCli('lifecycle', 'preview', ...args);

    expectOneLineError(run, /--now .*"2026-02-30"/);
  });

  it('reports a --now that is not a time', () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));

    const args = ['--policy', documentedPolicy('image-count'), '--images', images, '--now', 'yesterday'];

    const run = runCli('lifecycle', 'preview', ...args);

    expectOneLineError(run, /--now .*"yesterday"/);
  });
});

describe('ecr-warden hostile input: refused with exit 2 and one line, never evaluated or crashed on', () => {
  it('refuses an images file nested 100,000 levels deep and cut off, which overflowed the stack (exit 70)', () => {
    const images = scratch.write('images.json', `{"imageDetails": ${'['.repeat(100_000)}`);

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(
      run,
      /images file .* nests arrays and objects more than 256 levels deep \(at line 1, column 273\)/,
    );
  });

  it('refuses a policy file nested 100,000 levels deep, cut off, before locating the syntax error', () => {
    const policy = scratch.write('policy.json', `{"rules": ${'{"a": '.repeat(100_000)}`);

    const run = runCli('lifecycle', 'validate', '--policy', policy);

    expectOneLineError(run, /policy file .* nests arrays and objects more than 256 levels deep/);
  });

  it('refuses a --manifests file nested deeper than 256 levels even when it is valid JSON', () => {
    const images = scratch.write('images.json', multipleRulesRepository('iso'));
    const manifests = scratch.write('manifests.json', `{"images": ${'['.repeat(300)}${']'.repeat(300)}}`);

    const run = runPreview(documentedPolicy('image-count'), images, '--manifests', manifests);

    expectOneLineError(run, /manifests file .* nests arrays and objects more than 256 levels deep/);
  });

  // The images file is not walked for its depth (it costs 30 ms on 100,000 images): the reader reads
  // known fields only, so depth in a field it does not know must neither crash nor change anything.
  it('previews a listing whose entries carry an unknown field nested 100,000 levels deep as without it', () => {
    const repository = multipleRulesRepository('iso');
    const plain = runPreview(
      documentedPolicy('image-count'),
      scratch.write('plain.json', repository),
      '--output',
      'json',
    );
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const withDeepField = JSON.stringify(repository).replace(
      '"imageDigest"',
      `"futureField":${deep},"imageDigest"`,
    );
    const images = scratch.write('deep.json', withDeepField);

    for (const output of ['json', 'table']) {
      const run = runPreview(documentedPolicy('image-count'), images, '--output', output);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      if (output === 'json') expect(run.stdout).toBe(plain.stdout);
    }
  });

  it('refuses a valid images file nested deeper than its shape allows, naming the entry', () => {
    const images = scratch.write('images.json', `{"imageDetails": ${'['.repeat(300)}${']'.repeat(300)}}`);

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(run, /images file .*: imageDetails\[0\]: expected an object/);
  });

  it('refuses a listing that names a digest twice instead of counting the image twice', () => {
    const repository = multipleRulesRepository('iso');
    repository.imageDetails.push({ ...repository.imageDetails[0] });
    const images = scratch.write('images.json', repository);

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(
      run,
      new RegExp(
        `imageDetails\\[3\\]\\.imageDigest: ${digest('a')} is listed twice \\(also imageDetails\\[0\\]\\)`,
      ),
    );
  });

  it('refuses a listing with a NextToken (aws ecr describe-images --max-items) and says how to get the whole', () => {
    const images = scratch.write('images.json', {
      ...multipleRulesRepository('iso'),
      NextToken: 'eyJuZXh0VG9rZW4iOiAiYWJjIn0=',
    });

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(run, /has a NextToken: it is one page of a longer listing.*without --max-items/);
  });

  it('refuses an impossible date instead of rolling it over into March', () => {
    const repository = multipleRulesRepository('iso');
    repository.imageDetails[1] = {
      ...repository.imageDetails[1],
      imagePushedAt: '2026-02-30T00:00:00+00:00',
    };
    const images = scratch.write('images.json', repository);

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(
      run,
      /imageDetails\[1\]\.imagePushedAt: .*got "2026-02-30T00:00:00\+00:00": day 30 does not exist/,
    );
  });

  it('refuses an imageStatus that ECR does not have instead of treating the image as standard', () => {
    const repository = multipleRulesRepository('iso');
    repository.imageDetails[2] = { ...repository.imageDetails[2], imageStatus: 'EXPIRED' };
    const images = scratch.write('images.json', repository);

    const run = runPreview(documentedPolicy('image-count'), images);

    expectOneLineError(
      run,
      /imageDetails\[2\]\.imageStatus: expected ACTIVE, ARCHIVED, ACTIVATING .*got "EXPIRED"/,
    );
  });
});

describe('the bundled example (examples/lifecycle)', () => {
  const example = (file: string) => join(ROOT, 'examples', 'lifecycle', file);
  const args = [
    '--policy',
    example('policy.json'),
    '--images',
    example('images.json'),
    '--manifests',
    example('manifests.json'),
    '--now',
    '2026-11-01T00:00:00Z',
  ];

  it('previews as a table with totals, and keeps the children of manifest lists', () => {
    const run = runCli('lifecycle', 'preview', ...args);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/57 images evaluated: \d+ expire, \d+ transition to archive, \d+ stay\./);
    expect(run.stdout).toMatch(/\d+ selected images are kept because a manifest list references them/);
    expect(run.stderr).toBe('');
  });

  it('previews as parseable GetLifecyclePolicyPreview JSON', () => {
    const run = runCli('lifecycle', 'preview', ...args, '--output', 'json');

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'COMPLETE',
      previewResults: expect.any(Array),
      summary: { expiringImageTotalCount: expect.any(Number) },
    });
  });
});
