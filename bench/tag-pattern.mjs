// Tag pattern matching (`node bench/tag-pattern.mjs`, also run by `npm run bench`): microseconds a
// tag for the wildcard matcher and for the backtracking regular expression it replaced. Figures,
// not assertions.
import { runTypeScriptBench } from './run-typescript-bench.mjs';

const results = await runTypeScriptBench('tag-pattern');
const format = (micros) => (micros >= 1000 ? `${(micros / 1000).toFixed(0)} ms` : `${micros.toFixed(2)} µs`);
console.log('tag pattern matching, per tag (median of rounds):');
for (const { name, matcherMicros, regexMicros } of results) {
  console.log(
    `  ${name.padEnd(74)} matcher ${format(matcherMicros).padStart(9)}   old regex ${format(regexMicros).padStart(9)}`,
  );
}
