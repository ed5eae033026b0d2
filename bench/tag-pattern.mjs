// Tag pattern matching (`node bench/tag-pattern.mjs`, also run by `npm run bench`): microseconds a
// tag for the wildcard matcher and for the backtracking regular expression it replaced. Figures,
// not assertions.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';

const bundle = join(import.meta.dirname, '.data', 'tag-pattern.js');
await build({
  entryPoints: [join(import.meta.dirname, 'tag-pattern.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const child = spawnSync(process.execPath, [bundle], { encoding: 'utf8' });
if (child.status !== 0) throw new Error(`tag pattern bench failed: ${child.stderr}`);
const format = (micros) => (micros >= 1000 ? `${(micros / 1000).toFixed(0)} ms` : `${micros.toFixed(2)} µs`);
console.log('tag pattern matching, per tag (median of rounds):');
for (const { name, matcherMicros, regexMicros } of JSON.parse(child.stdout)) {
  console.log(
    `  ${name.padEnd(74)} matcher ${format(matcherMicros).padStart(9)}   old regex ${format(regexMicros).padStart(9)}`,
  );
}
