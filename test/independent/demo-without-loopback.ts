import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CheckResults } from './check-results';
import { runCommand } from './run-command';

/**
 * Issue 12 item 17, end to end: `npm run demo` in a network namespace whose loopback interface is
 * down (`unshare -n`, which needs root: CI runs as root). The demo must exit non-zero within the
 * deadline with one line naming what could not start or connect, never hang. Where `unshare -n`
 * cannot run, this check fails loudly; the same deadlines are unit-tested with an injected listen and
 * connect in test/integration/local/loopback-deadlines.test.ts.
 */
const ROOT = resolve(__dirname, '../..');
const DEMO = join(ROOT, 'dist/demo.js');
/** The demo's own deadlines are 5 s a step; twice that and more means it hung. */
const DEMO_DEADLINE_MS = 20_000;

export async function runDemoWithoutLoopbackCheck(log: (line: string) => void): Promise<string[]> {
  const results = new CheckResults('demo without loopback', log);
  if (!existsSync(DEMO)) {
    results.expect(
      false,
      'the demo bundle exists',
      `${DEMO} is missing: run node scripts/build-demo.mjs first`,
    );
    return results.failures;
  }
  const probe = await runCommand('unshare', ['-n', process.execPath, '-e', ''], { timeoutMs: 10_000 });
  if (probe.status !== 0) {
    results.expect(
      false,
      'unshare -n can make a network namespace',
      `${probe.stderr.trim().split('\n')[0] ?? `exit ${probe.status}`}: run as root (CI does), or rely on loopback-deadlines.test.ts`,
    );
    return results.failures;
  }
  const run = await runCommand('unshare', ['-n', process.execPath, DEMO], { timeoutMs: DEMO_DEADLINE_MS });
  const seconds = (run.elapsedMs / 1000).toFixed(1);
  results.expect(!run.timedOut, `the demo ends within ${DEMO_DEADLINE_MS / 1000} s (it took ${seconds} s)`);
  results.expect(run.status !== null && run.status !== 0, 'the demo exits non-zero', `exit ${run.status}`);
  results.expect(
    /^ecr-warden demo: could not (start|connect to|create the state table)[^\n]*\n$/.test(run.stderr),
    'the demo prints one line naming what could not start or connect',
    JSON.stringify(run.stderr.slice(0, 400)),
  );
  return results.failures;
}
