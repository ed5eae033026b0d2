import './quiet-sdk-warning';
import { spawnSync } from 'node:child_process';
import { runCfnLintCheck } from './cfn-lint-check';
import { runDemoWithoutLoopbackCheck } from './demo-without-loopback';
import { runKubectlCheck } from './kubectl-check';
import { runMotoCliCheck } from './moto-cli-check';
import { runMotoWorkloadAccountsCheck } from './moto-workload-accounts-check';

/**
 * `npm run check:independent` (and CI's .ci/run, after `npm test`): checks by tools that ecr-warden
 * did not write, so that they do not share its mistakes.
 *
 * 1. cfn-lint on the packaged CloudFormation templates: no error; on the workload-reader role and the
 *    Organizations hub and member templates (test/package/organization-variant.ts): no finding at all.
 * 2. The read-only live CLI commands against moto_server over HTTP.
 * 3. The workload-account adapters (AssumeRole, ECS/Lambda in the assumed account, Batch, S3) against
 *    moto_server over HTTP.
 * 4. The demo with loopback down (`unshare -n`): a one-line error and a prompt exit.
 * 5. Debian's kubectl against the Kubernetes API stand-in (kubectl-check.ts).
 *
 * cfn-lint, moto_server and kubectl must be on PATH (`pip install cfn-lint "moto[server]"`,
 * `apt-get install kubernetes-client`); a missing one fails
 * with a message saying so. Only loopback is used. Prints one line per expectation; exit 1 when any fails.
 */
const TOOLS = [
  { command: 'cfn-lint', args: ['--version'], install: 'pip install cfn-lint' },
  { command: 'moto_server', args: ['--help'], install: 'pip install "moto[server]"' },
  { command: 'kubectl', args: ['version', '--client'], install: 'apt-get install -y kubernetes-client' },
];

async function main(): Promise<number> {
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const missing = TOOLS.filter(
    (tool) => spawnSync(tool.command, tool.args, { stdio: 'ignore', timeout: 60_000 }).status !== 0,
  );
  for (const tool of missing) {
    process.stderr.write(
      `check:independent: ${tool.command} is not installed (or does not run): ${tool.install}\n`,
    );
  }
  if (missing.length > 0) return 1;

  const failures: string[] = [];
  for (const check of [
    runCfnLintCheck,
    runMotoCliCheck,
    runMotoWorkloadAccountsCheck,
    runDemoWithoutLoopbackCheck,
    runKubectlCheck,
  ]) {
    const checkStarted = Date.now();
    try {
      failures.push(...(await check(log)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${check.name}: ${message.split('\n')[0]}`);
      log(`FAIL ${check.name}: ${message.split('\n')[0]}`);
    }
    log(`     (${check.name} took ${((Date.now() - checkStarted) / 1000).toFixed(1)} s)`);
  }
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length > 0) {
    process.stderr.write(
      `check:independent: ${failures.length} failed in ${elapsed} s:\n${failures.map((f) => `  ${f}`).join('\n')}\n`,
    );
    return 1;
  }
  log(`check:independent: ok in ${elapsed} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`check:independent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
