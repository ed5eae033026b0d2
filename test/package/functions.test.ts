import {
  asArray,
  at,
  byType,
  getAtt,
  lambdaLogicalId,
  mappingsOf,
  normalizedName,
  packagedFunctionKeys,
  packagedStack,
  propertiesOfResource,
  rulesTargeting,
  same,
} from './packaged-stack';

const LOG_RETENTION_DAYS = 30;
const { resources, functions } = packagedStack();

/** May the function be invoked by this principal (for this rule, when one is named)? */
function hasInvokePermission(functionLogicalId: string, principal: string, ruleId: string): boolean {
  const ruleName = propertiesOfResource(ruleId).Name;
  return byType('AWS::Lambda::Permission').some(([, permission]) => {
    const props = permission.Properties ?? {};
    return (
      same(props.FunctionName, getAtt(functionLogicalId)) &&
      props.Principal === principal &&
      (same(props.SourceArn, getAtt(ruleId)) || sourceArnNamesRule(props.SourceArn, ruleName))
    );
  });
}

/**
 * For `eventBridge` events osls names the rule and builds the permission's SourceArn from that name:
 * `Fn::Join [":", [arn, partition, events, region, account, Fn::Join ["/", [rule, <Name>]]]]`.
 */
function sourceArnNamesRule(sourceArn: unknown, ruleName: unknown): boolean {
  const parts = at(sourceArn, 'Fn::Join', 1);
  if (typeof ruleName !== 'string' || !Array.isArray(parts)) return false;
  const last = at(parts.at(-1), 'Fn::Join');
  return parts[2] === 'events' && at(last, 0) === '/' && same(at(last, 1), ['rule', ruleName]);
}

const eventTypeOf = (event: Record<string, unknown>): string => Object.keys(event)[0] ?? '(none)';
const CHECKED_EVENT_TYPES = ['schedule', 'eventBridge', 'sqs'];

test('there are functions to check', () => {
  expect(packagedFunctionKeys()).not.toHaveLength(0);
});

describe.each(packagedFunctionKeys())('%s', (key) => {
  const fn = functions[key] ?? { name: key, handler: '' };
  const logicalId = lambdaLogicalId(key);
  const lambda = resources[logicalId];
  const props = propertiesOfResource(logicalId);
  const variables = (at(props, 'Environment', 'Variables') ?? {}) as Record<string, unknown>;
  const events = fn.events ?? [];

  it(`is the AWS::Lambda::Function ${logicalId}`, () => {
    expect(lambda?.Type).toBe('AWS::Lambda::Function');
  });

  it('runs on nodejs22.x', () => {
    expect(props.Runtime).toBe('nodejs22.x');
  });

  it('runs on arm64', () => {
    expect(props.Architectures).toEqual(['arm64']);
  });

  it('maps stack traces back to the sources (NODE_OPTIONS --enable-source-maps)', () => {
    expect(String(variables.NODE_OPTIONS ?? '').split(/\s+/)).toContain('--enable-source-maps');
  });

  it.each(['POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL'])('sets %s', (name) => {
    expect(typeof variables[name]).toBe('string');
    expect(variables[name]).not.toBe('');
  });

  // The detectors' governed scope: the deployment's own account, never one an event claims.
  it('governs the account it is deployed in (DEPLOYMENT_ACCOUNT_ID is !Ref AWS::AccountId)', () => {
    expect(variables.DEPLOYMENT_ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });
  });

  it(`keeps its logs ${LOG_RETENTION_DAYS} days`, () => {
    expect(at(resources[`${normalizedName(key)}LogGroup`], 'Properties', 'RetentionInDays')).toBe(
      LOG_RETENTION_DAYS,
    );
  });

  it('has only events of the kinds these tests check (schedule, eventBridge, sqs)', () => {
    expect(events.map(eventTypeOf).filter((type) => !CHECKED_EVENT_TYPES.includes(type))).toEqual([]);
  });

  for (const [index, event] of events.entries()) {
    const type = eventTypeOf(event);
    if (type === 'schedule') {
      const rates = asArray(at(event, 'schedule', 'rate') ?? event.schedule);
      it.each(rates)(`events[${index}]: an enabled EventBridge rule %j may invoke it`, (rate) => {
        const rule = rulesTargeting(logicalId).find(([, r]) => r.Properties?.ScheduleExpression === rate);
        expect(rule).toBeDefined();
        const [ruleId, ruleResource] = rule ?? ['', {}];
        expect(at(ruleResource, 'Properties', 'State')).not.toBe('DISABLED');
        expect(hasInvokePermission(logicalId, 'events.amazonaws.com', ruleId)).toBe(true);
      });
    }
    if (type === 'eventBridge') {
      it(`events[${index}]: an EventBridge rule with a pattern may invoke it`, () => {
        const rule = rulesTargeting(logicalId).find(([, r]) => r.Properties?.EventPattern !== undefined);
        expect(rule).toBeDefined();
        expect(hasInvokePermission(logicalId, 'events.amazonaws.com', rule?.[0] ?? '')).toBe(true);
      });
    }
    if (type === 'sqs') {
      const mapping = mappingsOf(logicalId)[0];
      it(`events[${index}]: an SQS event source mapping invokes it`, () => {
        expect(mapping).toBeDefined();
      });
      it(`events[${index}]: it reports batch item failures (functionResponseType: ReportBatchItemFailures)`, () => {
        expect(asArray(mapping?.FunctionResponseTypes)).toContain('ReportBatchItemFailures');
      });
      // A FIFO queue takes batches of at most 10 and no batching window.
      // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
      const queueId = at(mapping, 'EventSourceArn', 'Fn::GetAtt', 0);
      if (typeof queueId === 'string' && propertiesOfResource(queueId).FifoQueue === true) {
        it(`events[${index}]: it reads the FIFO queue ${queueId} in batches of 1-10 without a batching window`, () => {
          expect(mapping?.BatchSize).toBeGreaterThanOrEqual(1);
          expect(mapping?.BatchSize).toBeLessThanOrEqual(10);
          expect(mapping?.MaximumBatchingWindowInSeconds).toBeUndefined();
        });
      }
    }
  }

  if (events.some((event) => event.schedule !== undefined || event.eventBridge !== undefined)) {
    it('sends a failed asynchronous invocation to an on-failure destination', () => {
      const invokeConfig = byType('AWS::Lambda::EventInvokeConfig').find(([, r]) =>
        same(r.Properties?.FunctionName, { Ref: logicalId }),
      );
      expect(
        at(invokeConfig?.[1], 'Properties', 'DestinationConfig', 'OnFailure', 'Destination'),
      ).toBeDefined();
    });
  }
});

// The state table's name is the stack's own table wherever a function reads it.
test('every STATE_TABLE_NAME is !Ref StateTable', () => {
  const names = packagedFunctionKeys()
    .map((key) =>
      at(propertiesOfResource(lambdaLogicalId(key)), 'Environment', 'Variables', 'STATE_TABLE_NAME'),
    )
    .filter((value) => value !== undefined);
  expect(names).not.toHaveLength(0);
  expect(names.filter((value) => !same(value, { Ref: 'StateTable' }))).toEqual([]);
});
