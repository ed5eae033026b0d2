'use strict';

/**
 * A serverless variable source: serverless.yml reads `${file(./scripts/resolve-warden-config.cjs)}`.
 *
 * osls resolves variables before it packages or deploys anything, so validating ecr-warden.yml here
 * makes `osls package` and `osls deploy` stop, with every config error listed, before a bundle is
 * built or a stack is touched. It validates with the same zod schema the functions use at cold start
 * (shared/config, TypeScript, loaded through tsx, which osls itself depends on to read TS configs),
 * and hands serverless.yml the few values that shape the stack (the cleanup schedule).
 *
 * Runs offline: it reads one local file and needs no AWS credentials.
 */

const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

const CONFIG_FILE = 'ecr-warden.yml';

/**
 * @returns {{ cleanupSchedule: string, cleanupDryRun: boolean, cleanupDeletionShareAlarmPercent: number,
 *   cleanupWorkerIamStatements: object[],
 *   scanningDigestSchedule: string,
 *   tagImmutabilitySchedule: string, tagImmutabilityIamStatements: object[] }}
 */
function resolveWardenConfig() {
  const { loadConfigFile } = requireTypeScript('../shared/config/load-config.ts', __filename);
  const configPath = path.join(__dirname, '..', CONFIG_FILE);
  let config;
  try {
    config = loadConfigFile(configPath, CONFIG_FILE);
  } catch (error) {
    if (error && error.name === 'ConfigError') {
      // osls prints `error.stack` of a resolver error: make it the message alone, which already lists
      // every issue with its path.
      error.stack = `${error.message}\n`;
    }
    throw error;
  }
  return {
    cleanupSchedule: config.cleanup.schedule,
    cleanupDryRun: config.cleanup.dryRun,
    // CleanupDeletionShareAlarm: the share of a repository one run may delete, in percent (DeletionShare).
    cleanupDeletionShareAlarmPercent:
      100 *
      (config.cleanup.maxDeletionShare ??
        requireTypeScript('../shared/cleanup/plan-repository-cleanup.ts', __filename)
          .DEFAULT_MAX_DELETION_SHARE),
    // cleanupWorker's role: the ECR reads on the repositories the cleanup rules' globs cover, and
    // BatchDeleteImage / UpdateImageStorageClass only where a rule can expire / transition and dryRun
    // is false (deploy/iam/cleanup-worker-iam.ts explains how globs map to IAM patterns).
    cleanupWorkerIamStatements: requireTypeScript(
      '../deploy/iam/cleanup-worker-iam.ts',
      __filename,
    ).cleanupWorkerIamStatements(config.cleanup),
    scanningDigestSchedule: config.scanning.digest.schedule,
    // tagImmutability (the repository guard): its sweep, and its role's statements, derived from the
    // `immutability` section (writes only where remediation is on and dryRun is false).
    tagImmutabilitySchedule: config.immutability.schedule,
    tagImmutabilityIamStatements: requireTypeScript(
      '../deploy/iam/repository-guard-iam.ts',
      __filename,
    ).repositoryGuardIamStatements(config.immutability),
  };
}

module.exports = async () => resolveWardenConfig();
module.exports.resolveWardenConfig = resolveWardenConfig;
