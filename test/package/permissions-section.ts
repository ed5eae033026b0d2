import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../deploy/package-stack';
import type { CloudFormationTemplate } from '../../deploy/template-guard/cloudformation';
import {
  type FunctionPermissions,
  renderPermissionsMarkdown,
  summarizePermissions,
} from '../../deploy/template-guard/permissions-summary';

/**
 * README.md's generated "Permissions" section: every function's permissions (what, on which resources,
 * why), read from the packaged template. Written by `npm run docs:permissions`
 * (test/package/write-readme.ts); test/package/readme.test.ts fails when README.md differs.
 */
export const README_PATH = join(PACKAGE_ROOT, 'README.md');
export const PERMISSIONS_SECTION = 'permissions';

export interface PermissionsSection {
  summary: FunctionPermissions[];
  markdown: string;
}

export function permissionsSection(
  template: CloudFormationTemplate,
  naming: { service: string; stage: string },
): PermissionsSection {
  const summary = summarizePermissions(template, naming);
  return { summary, markdown: renderPermissionsMarkdown(summary) };
}

export const readReadme = (): string => readFileSync(README_PATH, 'utf8');
