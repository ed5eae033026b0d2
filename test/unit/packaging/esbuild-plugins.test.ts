import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultProvider } from '../../../shared/aws/lambda-credentials';

const ROOT = join(__dirname, '..', '..', '..');

// The plugins osls's esbuild runs for every Lambda bundle (serverless.yml custom.esbuild.plugins), run
// in a plain node process as osls runs them (they load shared/config through tsx, which jest's module
// registry does not host).
const BUILD_SCRIPT = `
const { build } = require('esbuild');
const createPlugins = require(${JSON.stringify(join(ROOT, 'scripts', 'esbuild-plugins.cjs'))});
build({
  entryPoints: [process.argv[1]], bundle: true, platform: 'node', format: 'cjs', write: false,
  logLevel: 'silent', plugins: createPlugins(),
}).then(
  (result) => process.stdout.write(result.outputFiles[0].text),
  (error) => { process.stderr.write(error.message); process.exit(1); },
);
`;

describe('the Lambda bundle plugins', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecr-warden-plugins-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function bundle(files: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<string> {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const child = spawnSync(process.execPath, ['-e', BUILD_SCRIPT, join(dir, 'entry.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ECR_WARDEN_METAFILE_DIR: '', ...env },
    });
    if (child.status !== 0) throw new Error(child.stderr);
    return child.stdout;
  }

  it('embeds ecr-warden.yml as its parsed data, so that the bundle ships no YAML parser', async () => {
    const code = await bundle({
      'config.yml': 'cleanup:\n  dryRun: true # stays a boolean\n  rules: []\n',
      'entry.ts': "import config from './config.yml';\nconsole.log(JSON.stringify(config));\n",
    });

    expect(code).toContain('dryRun: true');
    expect(code).not.toContain('# stays a boolean');
    expect(code).not.toMatch(/parseDocument|YAMLParseError/);
  });

  it('stops the build with the YAML error and its position when the file does not parse', async () => {
    await expect(
      bundle({
        'config.yml': 'cleanup:\n  dryRun: true\n  dryRun: false\n',
        'entry.ts': "import config from './config.yml';\nconsole.log(config);\n",
      }),
    ).rejects.toThrow(/config\.yml.*YAML.*line 3/s);
  });

  it("resolves the SDK's default credential chain to the environment provider alone", async () => {
    const code = await bundle({
      'entry.ts':
        "import { defaultProvider } from '@aws-sdk/credential-provider-node';\nconsole.log(defaultProvider);\n",
    });

    expect(code).toContain('shared/aws/lambda-credentials.ts');
    expect(code).not.toMatch(/credential-provider-(ini|sso|process|web-identity|imds)/);
  });

  it("bundles an SDK client's package.json as the name and version its User-Agent reads, nothing more", async () => {
    // The path the clients' own `import packageInfo from "../package.json"` resolves to.
    const path = join(ROOT, 'node_modules', '@aws-sdk', 'client-ecr', 'package.json');
    const real = JSON.parse(readFileSync(path, 'utf8'));
    const code = await bundle({
      'entry.ts': `import info from ${JSON.stringify(path)};\nconsole.log(JSON.stringify(info));\n`,
    });

    const printed = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' }).stdout.trim();
    expect(JSON.parse(printed)).toEqual({ name: '@aws-sdk/client-ecr', version: real.version });
    expect(code).not.toContain('"scripts"');
  });

  it("writes the build's esbuild metafile, named by its entry point, to ECR_WARDEN_METAFILE_DIR", async () => {
    const metafileDir = join(dir, 'meta');
    await bundle(
      {
        'helper.ts': 'export const answer = 42;\n',
        'entry.ts':
          "import { answer } from './helper';\nimport { sep } from 'node:path';\nconsole.log(answer, sep);\n",
      },
      { ECR_WARDEN_METAFILE_DIR: metafileDir },
    );

    const metafile = JSON.parse(readFileSync(join(metafileDir, 'entry.meta.json'), 'utf8'));
    const [output] = Object.values(metafile.outputs) as { inputs: object; imports: { path: string }[] }[];
    expect(Object.keys(output?.inputs ?? {}).map((input) => input.split('/').at(-1))).toEqual(
      expect.arrayContaining(['helper.ts', 'entry.ts']),
    );
    expect(output?.imports.map((entry) => entry.path)).toContain('node:path');
  });

  it('writes no metafile without ECR_WARDEN_METAFILE_DIR (osls deploy, the demo build)', async () => {
    await bundle({ 'entry.ts': 'console.log(1);\n' });

    expect(readdirSync(dir).sort()).toEqual(['entry.ts']);
  });
});

describe('the Lambda credential provider', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("returns the execution role's credentials that Lambda puts in the environment", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLAMBDAROLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'role-secret';
    process.env.AWS_SESSION_TOKEN = 'role-session';

    const credentials = await defaultProvider()();

    expect(credentials).toMatchObject({
      accessKeyId: 'AKIDLAMBDAROLE',
      secretAccessKey: 'role-secret',
      sessionToken: 'role-session',
    });
  });

  it('fails with the SDK credential error, never a guess, when the environment has none', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;

    await expect(defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});
