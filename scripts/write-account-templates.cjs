'use strict';

/**
 * A local osls plugin: after `osls package`, writes the CloudFormation templates that are deployed in
 * OTHER accounts (service-managed StackSets), each only when the config calls for it:
 *
 * - `.serverless/ecr-warden-workload-reader.json`: the read-only role the cleanup worker assumes in each
 *   workload account (`cleanup.protect.workloadAccounts`), built by deploy/workload-reader-role.ts through
 *   deploy/resolve-variables.cjs (`custom.warden.workloadReaderTemplate`); README, "In-use protection".
 * - `.serverless/ecr-warden-member.json`: the member stack of an Organizations hub (`organization`),
 *   built by deploy/member-stack.ts from the compiled hub template by scripts/organization-hub.cjs
 *   (`custom.warden.memberTemplate`); README, "Organizations".
 *
 * Hook: after osls has written its own artifacts into .serverless/ (which it empties first).
 */

const fs = require('node:fs');
const path = require('node:path');

/** `custom.warden` key → file name in .serverless/. */
const TEMPLATES = [
  ['workloadReaderTemplate', 'ecr-warden-workload-reader.json', 'workload-reader role template'],
  ['memberTemplate', 'ecr-warden-member.json', 'member stack template'],
];

class WriteAccountTemplatesPlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = { 'after:package:finalize': () => this.write() };
  }

  write() {
    const warden = this.serverless.service.custom?.warden ?? {};
    for (const [key, fileName, what] of TEMPLATES) {
      const template = warden[key];
      if (template === null || template === undefined) continue;
      const target = path.join(this.serverless.serviceDir, '.serverless', fileName);
      fs.writeFileSync(target, `${JSON.stringify(template, null, 2)}\n`);
      if (this.log) this.log.notice(`${what}: ${path.relative(process.cwd(), target)}`);
    }
  }
}

module.exports = WriteAccountTemplatesPlugin;
