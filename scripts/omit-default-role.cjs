'use strict';

/**
 * A local osls plugin, listed in serverless.yml after serverless-iam-roles-per-function: removes osls's
 * shared default role `IamRoleLambdaExecution` from the compiled template once every function has its
 * own role, and stops the package if anything still uses it. Why, and the checks, are in
 * deploy/iam/default-execution-role.ts (TypeScript, loaded through tsx as the variable resolvers do).
 *
 * Hook: just before osls validates and writes the template (`aws:package:finalize:saveServiceState`),
 * i.e. after the per-function roles are made (`before:package:finalize`) and after `resources:` of
 * serverless.yml are merged in, so that a reference from there is seen too.
 */

const { require: requireTypeScript } = require('tsx/cjs/api');

class OmitDefaultRolePlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.omitDefaultRole(),
    };
  }

  omitDefaultRole() {
    const { omitDefaultExecutionRole, DEFAULT_EXECUTION_ROLE } = requireTypeScript(
      '../deploy/iam/default-execution-role.ts',
      __filename,
    );
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    try {
      if (omitDefaultExecutionRole(template) && this.log) {
        this.log.verbose(`omit-default-role: removed the unused ${DEFAULT_EXECUTION_ROLE}`);
      }
    } catch (error) {
      // One line, no stack: the message names each reference.
      throw new this.serverless.classes.Error(`omit-default-role: ${error.message}`);
    }
  }
}

module.exports = OmitDefaultRolePlugin;
