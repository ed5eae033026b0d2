/** `npm run docs:reliability`: writes the catalogue's table into README.md's Reliability section. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceSection } from '../../local/docs/readme-sections';
import { renderReliabilityMarkdown } from './reliability-table';

const readmePath = join(__dirname, '..', '..', 'README.md');
writeFileSync(
  readmePath,
  replaceSection(readFileSync(readmePath, 'utf8'), 'reliability', renderReliabilityMarkdown()),
);
process.stdout.write('README.md: Reliability section written\n');
