'use strict';

/**
 * A serverless variable source for the state-table statements that serverless.yml writes inline:
 * `${file(./scripts/resolve-state-access.cjs):scanFindings}` is scanFindings' statement on the state
 * table, limited to the partitions it owns (dynamodb:LeadingKeys) by deploy/iam/state-table-iam.ts from
 * shared/state/state-access.ts, the same builder the other functions' statements come from
 * (shared/aws/*-iam.ts). Loads the TypeScript through tsx, as the other resolvers do; runs offline.
 */

const { require: requireTypeScript } = require('tsx/cjs/api');

/** @returns {{ scanFindings: object }} */
function resolveStateAccess() {
  const { stateTableStatement } = requireTypeScript('../deploy/iam/state-table-iam.ts', __filename);
  return {
    // The findings ledger and its index, the idempotency records of alerts and digests.
    scanFindings: stateTableStatement('scanFindings', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ]),
  };
}

module.exports = async () => resolveStateAccess();
module.exports.resolveStateAccess = resolveStateAccess;
