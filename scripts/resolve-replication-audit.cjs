'use strict';

/**
 * A serverless variable source for replicationAudit: serverless.yml reads
 * `${file(./scripts/resolve-replication-audit.cjs):schedule}` and `...:iamRoleStatements`, built from the
 * `replication` section of ecr-warden.yml: the audit's schedule, and the statements of the function's own
 * role (deploy/iam/replication-audit-iam.ts: read-only ECR in this region and replication.destinationRegions,
 * on the repositories replication.repositoryPrefixes covers; the write actions only when
 * replication.remediate is present with dryRun: false).
 *
 * Validates ecr-warden.yml with the same zod schema as the functions (through tsx, as
 * scripts/resolve-warden-config.cjs does). Runs offline and needs no AWS credentials.
 */

const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

const CONFIG_FILE = 'ecr-warden.yml';

/**
 * @param {{ service: string, stage: string }} names the stack's service and stage: the ecr-warden bus is
 *   named `<service>-<stage>` (the GovernanceEventBus resource of serverless.yml).
 */
function resolveReplicationAudit({ service, stage }) {
  const { loadConfigFile } = requireTypeScript('../shared/config/load-config.ts', __filename);
  const { replicationAuditIamStatements } = requireTypeScript(
    '../deploy/iam/replication-audit-iam.ts',
    __filename,
  );
  let config;
  try {
    config = loadConfigFile(path.join(__dirname, '..', CONFIG_FILE), CONFIG_FILE);
  } catch (error) {
    // As in resolve-warden-config.cjs: osls prints the stack of a resolver error; the message already
    // lists every issue with its path.
    if (error && error.name === 'ConfigError') error.stack = `${error.message}\n`;
    throw error;
  }
  const replication = config.replication;
  return {
    schedule: replication.schedule,
    iamRoleStatements: replicationAuditIamStatements(replication, { eventBusName: `${service}-${stage}` }),
  };
}

module.exports = async ({ resolveVariable }) =>
  resolveReplicationAudit({
    service: await resolveVariable('self:service'),
    stage: await resolveVariable('self:provider.stage'),
  });
module.exports.resolveReplicationAudit = resolveReplicationAudit;
