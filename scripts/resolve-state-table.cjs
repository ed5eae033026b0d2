'use strict';

/**
 * A serverless variable source for the state table: serverless.yml reads
 * `${file(./scripts/resolve-state-table.cjs):keySchema}` and the like, so that the table
 * resource is built from shared/state/table-definition.ts, the module the code and the tests use, and
 * never from a second copy of the key schema. Loads the TypeScript through tsx, as
 * scripts/resolve-warden-config.cjs does. Runs offline and needs no AWS credentials.
 *
 * osls calls the exported function once per `${file(...)}` reference, with `resolveVariable`.
 */

const { require: requireTypeScript } = require('tsx/cjs/api');

/**
 * @param {string} stage
 * @returns {{
 *   keySchema: object[],
 *   attributeDefinitions: object[],
 *   billingMode: string,
 *   timeToLiveAttribute: string,
 *   deletionPolicy: 'Retain' | 'Delete',
 *   deletionProtectionEnabled: boolean,
 * }}
 */
function resolveStateTable(stage) {
  const definition = requireTypeScript('../shared/state/table-definition.ts', __filename);
  const protection = definition.stateTableProtection(stage);
  return {
    // Copies: osls must not hold (and later mutate) the module's own arrays.
    keySchema: definition.STATE_TABLE_KEY_SCHEMA.map((element) => ({ ...element })),
    attributeDefinitions: definition.STATE_TABLE_ATTRIBUTE_DEFINITIONS.map((attribute) => ({ ...attribute })),
    billingMode: definition.STATE_TABLE_BILLING_MODE,
    timeToLiveAttribute: definition.TIME_TO_LIVE_ATTRIBUTE,
    deletionPolicy: protection.deletionPolicy,
    deletionProtectionEnabled: protection.deletionProtectionEnabled,
  };
}

module.exports = async ({ resolveVariable }) => resolveStateTable(await resolveVariable('sls:stage'));
module.exports.resolveStateTable = resolveStateTable;
