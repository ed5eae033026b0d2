'use strict';

/**
 * A serverless variable source: serverless.yml's `resources` list includes
 * `${file(./deploy/resolve-alarms.cjs)}`, the alarms deploy/alarms.ts generates from its lists of
 * functions and queues, with `custom.alarmDefaults` and the stack's `<service>-<stage>` name prefix.
 * Loaded through tsx, as the other resolvers; runs offline.
 */

const { require: requireTypeScript } = require('tsx/cjs/api');

module.exports = async ({ resolveVariable }) => {
  const { buildAlarmResources } = requireTypeScript('./alarms.ts', __filename);
  const [service, stage, defaults] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('sls:stage'),
    resolveVariable('self:custom.alarmDefaults'),
  ]);
  return { Resources: buildAlarmResources(`${service}-${stage}`, defaults) };
};
