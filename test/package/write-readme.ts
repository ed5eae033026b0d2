/**
 * `npm run docs:permissions`: packages the stack (deploy/package-stack.ts), prints every function's
 * permissions and writes them into README.md's Permissions section.
 */
import { writeFileSync } from 'node:fs';
import { packageStack } from '../../deploy/package-stack';
import { renderPermissionsText } from '../../deploy/template-guard/permissions-summary';
import { replaceSection } from '../../local/docs/readme-sections';
import { packagedStack } from './packaged-stack';
import { PERMISSIONS_SECTION, permissionsSection, README_PATH, readReadme } from './permissions-section';

packageStack();
const { template, service, stage } = packagedStack();
const { summary, markdown } = permissionsSection(template, { service, stage });
process.stdout.write(renderPermissionsText(summary));
writeFileSync(README_PATH, replaceSection(readReadme(), PERMISSIONS_SECTION, markdown));
process.stdout.write('README.md: Permissions section written\n');
