import { isSectionCurrent, readSection, replaceSection } from '../../../local/docs/readme-sections';

const README = '# title\n\nintro\n\n<!-- permissions:start -->\nold\n<!-- permissions:end -->\n\nrest\n';

describe('README sections between markers', () => {
  it('replaces what is between the markers and nothing else', () => {
    const updated = replaceSection(README, 'permissions', 'new table\n');

    expect(updated).toBe(
      '# title\n\nintro\n\n<!-- permissions:start -->\nnew table\n<!-- permissions:end -->\n\nrest\n',
    );
    expect(readSection(updated, 'permissions')).toBe('new table');
  });

  it('tells a stale section from a current one', () => {
    expect(isSectionCurrent(README, 'permissions', 'old\n')).toBe(true);
    expect(isSectionCurrent(README, 'permissions', 'new\n')).toBe(false);
  });

  it('refuses to write a section whose markers are missing', () => {
    expect(() => replaceSection(README, 'reliability', 'x')).toThrow(
      'README.md has no <!-- reliability:start --> ... <!-- reliability:end --> markers',
    );
    expect(readSection(README, 'reliability')).toBeUndefined();
  });
});
