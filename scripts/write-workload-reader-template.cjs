'use strict';

/**
 * A local osls plugin: after `osls package`, writes `.serverless/ecr-warden-workload-reader.json`, the
 * CloudFormation template of the read-only role the cleanup worker assumes in each workload account
 * (`cleanup.protect.workloadAccounts`), built from the config by deploy/workload-reader-role.ts through
 * deploy/resolve-variables.cjs (`custom.warden.workloadReaderTemplate`). Deploy it with a
 * service-managed StackSet into the workload accounts (README, "In-use protection"). Nothing is written
 * when the config names no workload account.
 *
 * Hook: after osls has written its own artifacts into .serverless/ (which it empties first).
 */

const fs = require('node:fs');
const path = require('node:path');

const FILE_NAME = 'ecr-warden-workload-reader.json';

class WriteWorkloadReaderTemplatePlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = { 'after:package:finalize': () => this.write() };
  }

  write() {
    const template = this.serverless.service.custom?.warden?.workloadReaderTemplate;
    if (template === null || template === undefined) return;
    const target = path.join(this.serverless.serviceDir, '.serverless', FILE_NAME);
    fs.writeFileSync(target, `${JSON.stringify(template, null, 2)}\n`);
    if (this.log) this.log.notice(`workload-reader role template: ${path.relative(process.cwd(), target)}`);
  }
}

module.exports = WriteWorkloadReaderTemplatePlugin;
