import * as z from '../zod';
import { ecrWardenConfigSchema } from './schema';

/**
 * The JSON Schema of ecr-warden.yml, generated from the zod schema the loader validates with, for
 * editors: ecr-warden.yml names the committed copy (`# yaml-language-server: $schema=./ecr-warden.schema.json`)
 * so that YAML editors complete keys and flag typos as you type. `ecr-warden config schema` prints it;
 * `npm run config:schema` rewrites the committed file, and a test fails when that file is stale.
 *
 * It describes what you write (zod's `io: 'input'`: defaults are optional, with their value). What a
 * JSON Schema cannot say (a lifecycle policy checked with ECR's rules, schedule expressions, references
 * between sections) is left to `ecr-warden config validate`, which runs the loader itself.
 */
export const CONFIG_SCHEMA_FILE = 'ecr-warden.schema.json';

const SECTION_DESCRIPTIONS: Record<string, string> = {
  cleanup: 'Lifecycle cleanup (cleanupScheduler, cleanupWorker): what to delete, what never to delete.',
  notifications: 'Slack routes (slackNotifier): which governance events go to which channel.',
  scanning: 'Vulnerability alerts (scanFindings): thresholds, suppressions, the daily digest.',
  replication: 'Cross-region replication audit (replicationAudit): regions, prefixes, remediation.',
  immutability: 'The repository guard (tagImmutability): tag mutability and security baselines.',
};

export function buildConfigJsonSchema(): Record<string, unknown> {
  // draft-07: what yaml-language-server and most editors understand best. `unrepresentable: 'any'`: the
  // transforms (lifecycle policies, validated by the loader) become "any value" rather than an error.
  const schema = z.toJSONSchema(ecrWardenConfigSchema, {
    io: 'input',
    target: 'draft-7',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [section, description] of Object.entries(SECTION_DESCRIPTIONS)) {
    const property = properties?.[section];
    if (property !== undefined) property.description = description;
  }
  return {
    $schema: schema.$schema,
    title: 'ecr-warden.yml',
    description:
      'ecr-warden configuration, bundled into each Lambda function. Validate with `ecr-warden config validate`.',
    ...schema,
  };
}

/** The schema as the `config schema` command prints it. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}
