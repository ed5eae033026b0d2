import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT, type PackagingReport, packageStack } from '../../deploy/package-stack';
import type { CloudFormationTemplate } from '../../deploy/template-guard/cloudformation';

/**
 * `osls package` of a hub: this checkout with an `organization` section appended to ecr-warden.yml, in a
 * scratch copy (the checkout's own file is never touched). deploy/, scripts/ and the service's top-level
 * files are copied (osls wants a real serverless.yml; Node resolves a symlinked module to its real path,
 * and the resolver reads `../ecr-warden.yml` beside itself);
 * everything else is linked. What the package tests check on an applied variant
 * (test/package/organization-variant.ts), this packages for real, plugins and all.
 */
export interface PackagedHub {
  report: PackagingReport;
  hub: CloudFormationTemplate;
  member: CloudFormationTemplate;
}

const COPIED = new Set(['deploy', 'scripts', 'serverless.yml', 'package.json', 'tsconfig.json']);
const SKIPPED = new Set(['.git', '.serverless', '.esbuild', 'ecr-warden.yml']);

export function packageOrganizationHub(organizationYaml: string): PackagedHub {
  const root = mkdtempSync(join(tmpdir(), 'ecr-warden-hub-'));
  try {
    for (const entry of readdirSync(PACKAGE_ROOT)) {
      if (SKIPPED.has(entry)) continue;
      const source = join(PACKAGE_ROOT, entry);
      if (COPIED.has(entry)) cpSync(source, join(root, entry), { recursive: true });
      else symlinkSync(source, join(root, entry));
    }
    const config = readFileSync(join(PACKAGE_ROOT, 'ecr-warden.yml'), 'utf8');
    writeFileSync(join(root, 'ecr-warden.yml'), `${config}\n${organizationYaml}`);
    const report = packageStack(root);
    const read = (name: string) =>
      JSON.parse(readFileSync(join(root, '.serverless', name), 'utf8')) as CloudFormationTemplate;
    return {
      report,
      hub: read('cloudformation-template-update-stack.json'),
      member: read('ecr-warden-member.json'),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
