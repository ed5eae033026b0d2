/**
 * Generated sections of README.md, each between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers:
 * `permissions` (test/package/write-readme.ts) and `reliability` (test/reliability/). The generators
 * replace what is between the markers; a check compares it with what they would write.
 */

const markers = (name: string) => ({ start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` });

/** The text between the markers (without the newlines next to them); undefined without markers. */
export function readSection(readme: string, name: string): string | undefined {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1 || to < from) return undefined;
  return readme
    .slice(from + start.length, to)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

/** README with the section's content replaced; throws when the markers are missing. */
export function replaceSection(readme: string, name: string, content: string): string {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`README.md has no ${start} ... ${end} markers`);
  }
  return `${readme.slice(0, from + start.length)}\n${content.replace(/\n$/, '')}\n${readme.slice(to)}`;
}

export function isSectionCurrent(readme: string, name: string, content: string): boolean {
  return readSection(readme, name) === content.replace(/\n$/, '');
}
