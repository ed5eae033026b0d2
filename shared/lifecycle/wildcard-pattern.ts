/**
 * ECR's wildcard patterns (lifecycle `tagPatternList` entries, tag-mutability WILDCARD exclusion
 * filters): `*` matches any run of characters, none included; every other character matches itself,
 * case-sensitively; the pattern must match the whole tag.
 *
 * Matched segment by segment rather than through a regular expression: `^.*a.*a.*a.*b$` backtracks,
 * and on a 300-character tag of `a`s it took 0.5–2.5 s per tag, per rule, per image. Here the text
 * before the first `*` is a prefix, the text after the last `*` a suffix, and each segment between
 * them is found with indexOf, left to right, at its leftmost place after the previous one. Taking
 * the leftmost place never loses a match: any match that places a segment further right leaves less
 * room for the segments after it, not more. So no step is ever undone, and a match costs at most
 * one indexOf scan of the tag per segment: O(tag length × pattern length) in the worst case,
 * microseconds within ECR's limits (128-character tags, 4 wildcards).
 */
export type WildcardMatcher = (value: string) => boolean;

/** Compiles `pattern` once; the returned function tests one value. */
export function compileWildcardPattern(pattern: string): WildcardMatcher {
  const segments = pattern.split('*');
  if (segments.length === 1) return (value) => value === pattern;
  const prefix = segments[0] as string;
  const suffix = segments[segments.length - 1] as string;
  // Empty middle segments (`**`) match anywhere: dropping them changes nothing.
  const middle = segments.slice(1, -1).filter((segment) => segment !== '');
  const fixedLength = prefix.length + suffix.length;
  return (value) => {
    if (value.length < fixedLength || !value.startsWith(prefix) || !value.endsWith(suffix)) return false;
    // Middle segments must fit between the prefix and the suffix, without overlapping either.
    const end = value.length - suffix.length;
    let position = prefix.length;
    for (const segment of middle) {
      const found = value.indexOf(segment, position);
      if (found === -1 || found + segment.length > end) return false;
      position = found + segment.length;
    }
    return true;
  };
}

/** One-off match; compile the pattern with compileWildcardPattern when it is tested many times. */
export function matchesWildcard(pattern: string, value: string): boolean {
  return compileWildcardPattern(pattern)(value);
}
