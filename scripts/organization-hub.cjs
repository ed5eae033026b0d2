'use strict';

/**
 * A local osls plugin, listed in serverless.yml after omit-default-role: when ecr-warden.yml has an
 * `organization` section (`custom.warden.organizationHub`, checked by deploy/resolve-variables.cjs), adds
 * the hub's resources and statements to the compiled template and builds the member template
 * (deploy/organization-hub.ts, TypeScript loaded through tsx), which scripts/write-account-templates.cjs
 * writes to .serverless/ecr-warden-member.json. Without `organization` it does nothing: the template is
 * exactly the single-account one.
 *
 * Hook: just before osls validates and writes the template, after the per-function roles are made and
 * `resources:` merged in (as omit-default-role), so that every detector rule and role is there.
 */

const { require: requireTypeScript } = require('tsx/cjs/api');

class OrganizationHubPlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => this.apply(),
    };
  }

  apply() {
    const service = this.serverless.service;
    const settings = service.custom?.warden?.organizationHub;
    if (settings === null || settings === undefined) return;
    const { applyOrganizationHub } = requireTypeScript('../deploy/organization-hub.ts', __filename);
    try {
      service.custom.warden.memberTemplate = applyOrganizationHub(
        service.provider.compiledCloudFormationTemplate,
        settings,
        {
          service: service.service,
          stage: this.serverless.getProvider('aws').getStage(),
          region: this.serverless.getProvider('aws').getRegion(),
        },
      );
    } catch (error) {
      // One line, no stack: the message names what is missing or too long.
      throw new this.serverless.classes.Error(`organization-hub: ${error.message}`);
    }
    if (this.log)
      this.log.verbose('organization-hub: hub bus, member-bus rules and AssumeRole statements added');
  }
}

module.exports = OrganizationHubPlugin;
