/**
 * Tag pattern matching time (`node bench/tag-pattern.mjs`): the wildcard matcher against the
 * backtracking regular expression it replaced, on the attack pattern `*a*a*a*b` with 300-character
 * tags, and on the worst case within ECR's limits (4 wildcards, 128-character tags). Prints one
 * JSON line.
 */
import { compileWildcardPattern } from '../shared/lifecycle/wildcard-pattern';

/** What shared/lifecycle/evaluate.ts compiled a pattern to before the matcher. */
function backtrackingRegex(pattern: string): (tag: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 's');
  return (tag) => regex.test(tag);
}

/** Median microseconds per call of `match(tag)`, over `rounds` rounds of `calls` calls. */
function microsPerTag(match: (tag: string) => boolean, tag: string, calls: number, rounds = 7): number {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) match(tag);
    times.push(((performance.now() - start) * 1000) / calls);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)] as number;
}

const cases = [
  { name: 'attack: *a*a*a*b, 300 a', pattern: '*a*a*a*b', tag: 'a'.repeat(300) },
  {
    name: 'ECR worst case: *a*a*a*b, 128 a (ECR tags are at most 128 characters)',
    pattern: '*a*a*a*b',
    tag: 'a'.repeat(128),
  },
  { name: 'ECR worst case, matching: *a*a*a*b, 127 a + b', pattern: '*a*a*a*b', tag: `${'a'.repeat(127)}b` },
  {
    // Passes the prefix and suffix checks, so that indexOf scans for a long segment that almost matches.
    name: "matcher's worst case: *a{60}b*c, 127 a + c",
    pattern: `*${'a'.repeat(60)}b*c`,
    tag: `${'a'.repeat(127)}c`,
  },
  { name: 'typical: v*.*.*, v12.4.1', pattern: 'v*.*.*', tag: 'v12.4.1' },
];
const results = cases.map(({ name, pattern, tag }) => {
  const matcher = compileWildcardPattern(pattern);
  const regex = backtrackingRegex(pattern);
  if (matcher(tag) !== regex(tag)) throw new Error(`matcher and regex disagree on ${name}`);
  // The regular expression takes up to seconds a call on the attack: a few calls suffice.
  const slow = pattern === '*a*a*a*b' && !tag.endsWith('b');
  const regexCalls = slow ? (tag.length >= 300 ? 1 : 3) : 10_000;
  return {
    name,
    matcherMicros: microsPerTag(matcher, tag, 100_000),
    regexMicros: microsPerTag(regex, tag, regexCalls, slow ? 3 : 7),
  };
});
process.stdout.write(`${JSON.stringify(results)}\n`);
