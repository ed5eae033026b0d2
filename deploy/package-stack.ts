/**
 * The one packaging step: `osls package --stage ci` from a clean `.serverless/`, offline, as the package
 * tests (test/package/, through their jest globalSetup), `npm run docs:permissions`, `npm run
 * check:independent` and `npm run bench` need it. Run directly: `tsx deploy/package-stack.ts`.
 *
 * - No AWS credentials, no AWS config files, no instance metadata, and every DNS lookup or TCP
 *   connection refused and recorded (scripts/block-network.cjs): packaging must need neither.
 * - esbuild writes each function's metafile (scripts/esbuild-plugins.cjs, metafilePlugin), copied here
 *   beside the function's artifact: `.serverless/<function>.zip` and `.serverless/<function>.meta.json`.
 * - `.serverless/packaging-report.json` says what happened (stage, seconds, network attempts, metafiles),
 *   for the tests to assert on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PACKAGE_ROOT = join(__dirname, '..');
export const SERVERLESS_DIR = join(PACKAGE_ROOT, '.serverless');
/** The stage the checks package (names such as `ecr-warden-ci-state` follow from it). */
export const PACKAGE_STAGE = 'ci';
const PACKAGING_REPORT_NAME = 'packaging-report.json';
export const PACKAGING_REPORT = join(SERVERLESS_DIR, PACKAGING_REPORT_NAME);

export interface PackagingReport {
  stage: string;
  seconds: number;
  /** One line per DNS lookup or TCP connection something attempted while packaging; none expected. */
  networkAttempts: string[];
  /** Function key → its metafile, relative to `.serverless/`. */
  metafiles: Record<string, string>;
}

export class PackagingError extends Error {
  override name = 'PackagingError';
}

/** The metafile the package tests read for a function: beside its zip. */
export const metafileName = (functionKey: string): string => `${functionKey}.meta.json`;

/**
 * `root`: the service directory to package (default: this checkout). The independent checks package a
 * copy whose ecr-warden.yml has an `organization` section (test/independent/organization-package.ts).
 */
export function packageStack(root = PACKAGE_ROOT): PackagingReport {
  const startedAt = performance.now();
  const serverlessDir = join(root, '.serverless');
  rmSync(serverlessDir, { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), 'ecr-warden-package-'));
  try {
    const networkLog = join(scratch, 'network-attempts.log');
    const metafileDir = join(scratch, 'meta');
    const packaging = spawnSync('npx', ['--no-install', 'osls', 'package', '--stage', PACKAGE_STAGE], {
      cwd: root,
      env: offlineEnvironment(scratch, networkLog, metafileDir),
      encoding: 'utf8',
    });
    if (packaging.status !== 0) {
      throw new PackagingError(
        `osls package --stage ${PACKAGE_STAGE} failed (exit ${packaging.status ?? packaging.signal}):\n` +
          `${packaging.stdout ?? ''}${packaging.stderr ?? ''}`,
      );
    }
    const report: PackagingReport = {
      stage: PACKAGE_STAGE,
      seconds: Number(((performance.now() - startedAt) / 1000).toFixed(1)),
      networkAttempts: existsSync(networkLog)
        ? readFileSync(networkLog, 'utf8').trim().split('\n').filter(Boolean)
        : [],
      metafiles: placeMetafiles(metafileDir, serverlessDir),
    };
    mkdirSync(serverlessDir, { recursive: true });
    writeFileSync(join(serverlessDir, PACKAGING_REPORT_NAME), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function offlineEnvironment(scratch: string, networkLog: string, metafileDir: string): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'));
  return {
    ...Object.fromEntries(inherited),
    // No credentials anywhere: no profile files, no instance metadata.
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
    AWS_CONFIG_FILE: join(scratch, 'no-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
    CI: '1',
    // osls 4.3.1 has no telemetry, update check or notifications (removed from the fork; its source
    // reads none of these variables). Set anyway so that a swap to another framework build stays quiet.
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // What osls does read: fail on deprecated configuration instead of printing a warning.
    SLS_DEPRECATION_NOTIFICATION_MODE: 'error',
    npm_config_update_notifier: 'false',
    npm_config_offline: 'true',
    NODE_OPTIONS:
      `${process.env.NODE_OPTIONS ?? ''} --require ${join(PACKAGE_ROOT, 'scripts', 'block-network.cjs')}`.trim(),
    PACKAGE_CHECK_NETWORK_LOG: networkLog,
    ECR_WARDEN_METAFILE_DIR: metafileDir,
  };
}

/**
 * The plugin names a metafile by the bundle's entry point (`functions/cleanup-scheduler.meta.json`);
 * the function that bundle serves is in serverless-state.json (handler `functions/cleanup-scheduler.handler`).
 */
function placeMetafiles(metafileDir: string, serverlessDir: string): Record<string, string> {
  const state = JSON.parse(readFileSync(join(serverlessDir, 'serverless-state.json'), 'utf8')) as {
    service: { functions?: Record<string, { handler?: string }> };
  };
  const placed: Record<string, string> = {};
  for (const [key, fn] of Object.entries(state.service.functions ?? {})) {
    if (typeof fn.handler !== 'string') continue;
    const source = join(metafileDir, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.meta.json`);
    if (!existsSync(source)) continue;
    const target = metafileName(key);
    // Two functions with one handler share one bundle, hence one metafile: each gets its copy.
    writeFileSync(join(serverlessDir, target), readFileSync(source));
    placed[key] = target;
  }
  return placed;
}

if (require.main === module) {
  try {
    const report = packageStack();
    for (const attempt of report.networkAttempts) process.stderr.write(`package-stack: ${attempt}\n`);
    process.stdout.write(
      `package-stack: .serverless/ packaged for stage ${report.stage} in ${report.seconds}s ` +
        `(${Object.keys(report.metafiles).length} metafiles)\n`,
    );
    process.exit(report.networkAttempts.length === 0 ? 0 : 1);
  } catch (error) {
    process.stderr.write(`package-stack: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
