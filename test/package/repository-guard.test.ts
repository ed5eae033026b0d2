import { WATCHED_API_CALL_NAMES } from '../../shared/immutability/api-call';
import { wardenConfig } from './expected-statements';
import { at, lambdaLogicalId, packagedStack, propertiesOfResource, rulesTargeting } from './packaged-stack';

/**
 * tagImmutability (the repository guard): CloudTrail repository changes and successful pushes from this
 * region's default bus, its sweep schedule, the ecr-warden bus by name, and its own role's ARN (to
 * ignore its own calls).
 */
const { service, stage } = packagedStack();
const logicalId = lambdaLogicalId('tagImmutability');
const rules = rulesTargeting(logicalId);
const patternOf = (detailType: string) =>
  rules.find(([, rule]) => at(rule, 'Properties', 'EventPattern', 'detail-type', 0) === detailType)?.[1]
    .Properties;
const variables = (at(propertiesOfResource(logicalId), 'Environment', 'Variables') ?? {}) as Record<
  string,
  unknown
>;

describe('tagImmutability', () => {
  it(`hears the watched ECR API calls (${WATCHED_API_CALL_NAMES.join(', ')}) that succeeded, on the default bus`, () => {
    const rule = patternOf('AWS API Call via CloudTrail');
    expect(rule).toBeDefined();
    expect(rule?.EventBusName).toBeUndefined();
    expect(at(rule, 'EventPattern', 'source')).toEqual(['aws.ecr']);
    expect(at(rule, 'EventPattern', 'detail', 'eventSource')).toEqual(['ecr.amazonaws.com']);
    const eventNames = at(rule, 'EventPattern', 'detail', 'eventName');
    expect(Array.isArray(eventNames) ? [...eventNames].sort() : eventNames).toEqual(
      [...WATCHED_API_CALL_NAMES].sort(),
    );
    expect(at(rule, 'EventPattern', 'detail', 'errorCode')).toEqual([{ exists: false }]);
  });

  it('hears successful pushes ("ECR Image Action", PUSH, SUCCESS) on the default bus', () => {
    const rule = patternOf('ECR Image Action');
    expect(rule).toBeDefined();
    expect(rule?.EventBusName).toBeUndefined();
    expect(rule?.EventPattern).toEqual({
      source: ['aws.ecr'],
      'detail-type': ['ECR Image Action'],
      detail: { 'action-type': ['PUSH'], result: ['SUCCESS'] },
    });
  });

  it(`sweeps on immutability.schedule (${wardenConfig.immutability.schedule})`, () => {
    const schedules = rules.map(([, rule]) => rule.Properties?.ScheduleExpression);
    expect(schedules).toContain(wardenConfig.immutability.schedule);
  });

  it(`publishes to the ecr-warden bus ${service}-${stage} (EVENT_BUS_NAME)`, () => {
    expect(variables.EVENT_BUS_NAME).toBe(`${service}-${stage}`);
  });

  it("knows its own role's ARN (GUARD_ROLE_ARN), to ignore its own calls", () => {
    const roleId = at(propertiesOfResource(logicalId), 'Role', 'Fn::GetAtt', 0);
    expect(typeof roleId).toBe('string');
    expect(variables.GUARD_ROLE_ARN).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });
});
