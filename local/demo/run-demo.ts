import { DEMO_SECTIONS } from './sections';
import { createDemoWorld } from './world';

/**
 * `npm run demo`: ecr-warden's handlers, end to end, on the bundled sample registry, in dry run.
 * No network and no AWS credentials: ECR, ECS and Lambda are the registry simulator, the state
 * table is dynalite on loopback, Slack is a local receiver. `npm run demo -- --json` prints JSON.
 */
async function runDemo(json: boolean): Promise<void> {
  const started = Date.now();
  const world = await createDemoWorld();
  const report: { title: string; result: unknown }[] = [];
  try {
    if (!json) {
      process.stdout.write(
        'ecr-warden demo: the sample registry (account 123456789012, us-east-1 with replication to us-west-2)\n' +
          `as of ${world.asOf.toISOString()}, in dry run: nothing is deleted or changed, no AWS account is used.\n`,
      );
    }
    for (const section of DEMO_SECTIONS) {
      const result = await section.run(world);
      report.push({ title: section.title, result: result.json });
      if (!json)
        process.stdout.write(
          `\n== ${section.title}\n${result.lines.map((line) => `  ${line}`).join('\n')}\n`,
        );
    }
  } finally {
    await world.close();
  }
  if (json)
    process.stdout.write(
      `${JSON.stringify({ asOf: world.asOf.toISOString(), sections: report }, null, 2)}\n`,
    );
  else process.stdout.write(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}

/** How long a failed demo may take to close what it opened before it exits anyway. */
const EXIT_GRACE_MS = 2_000;

runDemo(process.argv.includes('--json')).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ecr-warden demo: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
  // What failed closed what it had opened; should a handle remain (a socket a library keeps), the
  // demo still exits instead of hanging. unref: the timer itself never keeps the process alive.
  setTimeout(() => process.exit(1), EXIT_GRACE_MS).unref();
});
