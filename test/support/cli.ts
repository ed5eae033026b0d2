import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository root, and the CLI as users run it: bin/ecr-warden.js in front of dist/cli.mjs. */
export const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ecr-warden.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Bundles the CLI from the current sources: a dist/ bundle left from older sources would test old code. */
export function buildCli(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

export function runCli(...args: string[]): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The stderr of a failed run: exactly one `ecr-warden: ` line, no stack trace, exit 2. */
export function expectOneLineError(run: CliRun, pattern: RegExp): void {
  expect(run.status).toBe(2);
  expect(run.stderr).not.toMatch(/^ {4}at /m);
  expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^ecr-warden: /)]);
  expect(run.stderr).toMatch(pattern);
}
