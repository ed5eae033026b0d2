'use strict';

/**
 * A serverless variable source for slackNotifier: serverless.yml reads
 * `${file(./scripts/resolve-slack-notifier.cjs):iamRoleStatements}`, the statements of the function's own
 * role built from `notifications.routes` of ecr-warden.yml by deploy/iam/slack-notifier-iam.ts
 * (`ssm:GetParameter` on exactly the webhook parameters the routes name, and the state table).
 *
 * Validates ecr-warden.yml with the same zod schema as the functions (through tsx, as
 * scripts/resolve-warden-config.cjs does). Runs offline and needs no AWS credentials.
 */

const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

const CONFIG_FILE = 'ecr-warden.yml';

/** @returns {{ iamRoleStatements: object[], webhookParameters: string[] }} */
function resolveSlackNotifier() {
  const { loadConfigFile } = requireTypeScript('../shared/config/load-config.ts', __filename);
  const { slackNotifierIamStatements } = requireTypeScript('../deploy/iam/slack-notifier-iam.ts', __filename);
  let config;
  try {
    config = loadConfigFile(path.join(__dirname, '..', CONFIG_FILE), CONFIG_FILE);
  } catch (error) {
    // As in resolve-warden-config.cjs: osls prints the stack of a resolver error; the message already
    // lists every issue with its path.
    if (error && error.name === 'ConfigError') error.stack = `${error.message}\n`;
    throw error;
  }
  const routes = config.notifications.routes;
  return {
    iamRoleStatements: slackNotifierIamStatements(routes),
    webhookParameters: [...new Set(routes.map((route) => route.webhookParameter))].sort(),
  };
}

module.exports = async () => resolveSlackNotifier();
module.exports.resolveSlackNotifier = resolveSlackNotifier;
