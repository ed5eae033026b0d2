import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../deploy/package-stack';
import type { CloudFormationTemplate } from '../../deploy/template-guard/cloudformation';
import {
  type FunctionPermissions,
  renderPermissionsMarkdown,
  summarizePermissions,
} from '../../deploy/template-guard/permissions-summary';
import { withEveryInUseSource } from './every-in-use-source';
import { LISTED_ACCOUNTS, ORGANIZATIONAL_UNITS, withOrganization } from './organization-variant';

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
  return {
    summary,
    markdown: `${renderPermissionsMarkdown(summary)}\n${inUseSourcesTable(template, summary, naming)}\n${organizationTable(template, summary, naming)}`,
  };
}

/**
 * What the in-use sources of cleanup.protect add to cleanupWorker's role (none of them is on in the
 * committed ecr-warden.yml): the rows of the every-source variant (./every-in-use-source.ts) that the
 * packaged role does not have.
 */
function inUseSourcesTable(
  template: CloudFormationTemplate,
  summary: readonly FunctionPermissions[],
  naming: { service: string; stage: string },
): string {
  const key = (row: FunctionPermissions['rows'][number]) => JSON.stringify(row);
  const packaged = new Set((summary.find((fn) => fn.key === 'cleanupWorker')?.rows ?? []).map(key));
  const variant = summarizePermissions(withEveryInUseSource(template), naming).find(
    (fn) => fn.key === 'cleanupWorker',
  );
  if (variant === undefined) throw new Error('the packaged template has no cleanupWorker');
  const rows = variant.rows.filter((row) => !packaged.has(key(row)));
  const table = renderPermissionsMarkdown(
    [
      {
        key: 'cleanupWorker, with the in-use sources of cleanup.protect',
        description: `Each row only when the config reads that source (${EXAMPLE_NOTE})`,
        triggers: [],
        failures: [],
        rows,
      },
    ],
    { preamble: false },
  );
  return table;
}

/**
 * What `organization` adds to each function that acts in member accounts (the same rows for each): the
 * rows of the two organization variants (./organization-variant.ts) that cleanupScheduler's packaged role
 * does not have.
 */
function organizationTable(
  template: CloudFormationTemplate,
  summary: readonly FunctionPermissions[],
  naming: { service: string; stage: string },
): string {
  const key = (row: FunctionPermissions['rows'][number]) => JSON.stringify(row);
  const packaged = new Set((summary.find((fn) => fn.key === 'cleanupScheduler')?.rows ?? []).map(key));
  const rows = [LISTED_ACCOUNTS, ORGANIZATIONAL_UNITS].flatMap((organization) => {
    const variant = summarizePermissions(withOrganization(organization, template).hub, naming).find(
      (fn) => fn.key === 'cleanupScheduler',
    );
    if (variant === undefined) throw new Error('the packaged template has no cleanupScheduler');
    return variant.rows.filter((row) => !packaged.has(key(row)));
  });
  return renderPermissionsMarkdown(
    [
      {
        key: 'cleanupScheduler, cleanupWorker, tagImmutability, scanFindings and replicationAudit, with organization',
        description:
          "Each function that acts in member accounts gets these rows when ecr-warden.yml has an `organization` section (shown for accounts 222222222222 and 333333333333, then for organizationalUnits with organizationId o-a1b2c3d4e5; with organizationsRoleArn, sts:AssumeRole on that role replaces the Organizations reads). slackNotifier gets the Organizations reads alone, with organizationalUnits: it matches the routes' OU scopes through the same directory",
        triggers: [],
        failures: [],
        rows: [...new Map(rows.map((row) => [key(row), row])).values()],
      },
    ],
    { preamble: false },
  );
}

const EXAMPLE_NOTE =
  'shown for clusters prod-eks and an ARN, workload accounts 222222222222 and 333333333333, Batch, App Runner, one external list and Inspector; the stack also creates an EKS access entry for each cluster named by name';

export const readReadme = (): string => readFileSync(README_PATH, 'utf8');
