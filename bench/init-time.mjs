// `npm run bench` (part): each function's bundle loaded as Lambda's init phase loads it, against bare
// node. The bundles are the zips `osls package` writes (packaged afresh by deploy/package-stack.ts),
// unpacked into a temporary folder and required in a fresh process with the function's own environment
// from the packaged template (CloudFormation references replaced by well-formed stand-ins), so that the
// module-scope work (config validation at cold start, clients, logger) runs as it does on Lambda.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOAL_BYTES = 600_000;
const root = join(import.meta.dirname, '..');
const serverlessDir = join(root, '.serverless');

const packaging = spawnSync('npx', ['--no-install', 'tsx', join(root, 'deploy', 'package-stack.ts')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'pipe'],
});
if (packaging.status !== 0) {
  console.error(`bench: packaging failed: ${packaging.stderr}`);
  process.exit(1);
}

const template = JSON.parse(
  readFileSync(join(serverlessDir, 'cloudformation-template-update-stack.json'), 'utf8'),
);

/** A CloudFormation value in an environment variable, as a string the function's checks accept. */
function standIn(name, value) {
  if (typeof value === 'string') return value;
  const ref = value?.Ref;
  if (ref === 'AWS::AccountId') return '123456789012';
  if (ref === 'AWS::Region') return 'us-east-1';
  if (name.endsWith('_URL')) return `https://sqs.us-east-1.amazonaws.com/123456789012/${ref ?? 'queue'}`;
  if (name.endsWith('_ARN')) return `arn:aws:iam::123456789012:role/${ref ?? 'bench-role'}`;
  return `bench-${ref ?? 'value'}`;
}

const lambdaEnvironment = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHINIT',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_SESSION_TOKEN: 'bench-token',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const work = mkdtempSync(join(tmpdir(), 'ecr-warden-init-'));
const functions = [];
for (const [logicalId, resource] of Object.entries(template.Resources)) {
  if (resource.Type !== 'AWS::Lambda::Function') continue;
  const key = logicalId.replace(/LambdaFunction$/, '').replace(/^./, (c) => c.toLowerCase());
  const handler = resource.Properties.Handler;
  const bundleName = `${handler.slice(0, handler.lastIndexOf('.'))}.js`;
  const dir = join(work, key);
  for (const [name, data] of Object.entries(unzipSync(readFileSync(join(serverlessDir, `${key}.zip`))))) {
    if (name.endsWith('/')) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  const env = { ...lambdaEnvironment, AWS_LAMBDA_FUNCTION_NAME: `ecr-warden-bench-${key}` };
  for (const [name, value] of Object.entries(resource.Properties.Environment?.Variables ?? {})) {
    env[name] = standIn(name, value);
  }
  const bundle = join(dir, bundleName);
  functions.push({ key, bundle, bytes: readFileSync(bundle).length, env });
}

const loader = (bundle) =>
  `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});` +
  'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';

function timeProcess(args, env) {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  return { ms, stdout: child.stdout };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bare = [];
const results = new Map(functions.map((fn) => [fn.key, { process: [], require: [] }]));
for (let run = 0; run < RUNS; run++) {
  // Interleaved, so that a busy machine slows each side alike. NODE_OPTIONS as on Lambda.
  bare.push(timeProcess(['-e', ''], { ...lambdaEnvironment, NODE_OPTIONS: '--enable-source-maps' }).ms);
  for (const fn of functions) {
    const { ms, stdout } = timeProcess(['-e', loader(fn.bundle)], fn.env);
    results.get(fn.key).process.push(ms);
    results.get(fn.key).require.push(Number(stdout));
  }
}
rmSync(work, { recursive: true, force: true });

console.log(`\nFunction init (load the bundle as Lambda's init does), medians of ${RUNS} runs:`);
console.log(`  bare node process (node -e '', --enable-source-maps): ${median(bare).toFixed(0)} ms`);
for (const fn of functions) {
  const { process: processMs, require: requireMs } = results.get(fn.key);
  const bytes = fn.bytes;
  const over = median(processMs) - median(bare);
  console.log(
    `  ${fn.key.padEnd(17)} ${(bytes / 1000).toFixed(0).padStart(4)} KB minified` +
      ` (goal ${GOAL_BYTES / 1000} KB${bytes > GOAL_BYTES ? ', over' : ''}),` +
      ` require ${median(requireMs).toFixed(0)} ms, process ${median(processMs).toFixed(0)} ms` +
      ` = bare node + ${over.toFixed(0)} ms`,
  );
}
