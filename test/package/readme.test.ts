import { readSection } from '../../local/docs/readme-sections';
import { packagedStack } from './packaged-stack';
import { PERMISSIONS_SECTION, permissionsSection, readReadme } from './permissions-section';

describe("README.md's generated sections", () => {
  const { template, service, stage } = packagedStack();

  it('holds the permissions of the packaged template (`npm run docs:permissions` writes them)', () => {
    const { markdown } = permissionsSection(template, { service, stage });
    // On failure: run `npm run docs:permissions` and commit README.md.
    expect(readSection(readReadme(), PERMISSIONS_SECTION)).toBe(markdown.replace(/\n$/, ''));
  });
});
