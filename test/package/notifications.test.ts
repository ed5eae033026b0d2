import {
  asArray,
  at,
  byType,
  getAtt,
  lambdaLogicalId,
  mappingsOf,
  packagedStack,
  propertiesOfResource,
  rulesTargeting,
  same,
} from './packaged-stack';

/**
 * Notifications: the ecr-warden bus → a rule on source "ecr-warden" → a FIFO queue with one message
 * group → slackNotifier; a FIFO dead-letter queue after 5 receives, and the rule's own (standard)
 * dead-letter queue.
 */
const { template, resources, service, stage } = packagedStack();
const queue = propertiesOfResource('NotificationQueue');

describe('the governance event bus', () => {
  it(`is an AWS::Events::EventBus named ${service}-${stage}`, () => {
    expect(resources.GovernanceEventBus?.Type).toBe('AWS::Events::EventBus');
    expect(propertiesOfResource('GovernanceEventBus').Name).toBe(`${service}-${stage}`);
  });

  it('is named in the stack output GovernanceEventBusName', () => {
    expect(template.Outputs?.GovernanceEventBusName?.Value).toEqual({ Ref: 'GovernanceEventBus' });
  });
});

describe('NotificationQueue', () => {
  it('is a FIFO queue (name ending .fifo) with content-based deduplication', () => {
    expect(queue.FifoQueue).toBe(true);
    expect(String(queue.QueueName)).toMatch(/\.fifo$/);
    expect(queue.ContentBasedDeduplication).toBe(true);
  });

  it('sends a message to NotificationDeadLetterQueue after 5 receives', () => {
    expect(at(queue, 'RedrivePolicy', 'maxReceiveCount')).toBe(5);
    expect(at(queue, 'RedrivePolicy', 'deadLetterTargetArn')).toEqual(getAtt('NotificationDeadLetterQueue'));
  });

  it('has a FIFO dead-letter queue, as a FIFO queue must', () => {
    expect(propertiesOfResource('NotificationDeadLetterQueue').FifoQueue).toBe(true);
  });

  it("hides a received message for at least 6 × slackNotifier's timeout", () => {
    const notifierTimeout = propertiesOfResource(lambdaLogicalId('slackNotifier')).Timeout;
    expect(typeof notifierTimeout).toBe('number');
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * Number(notifierTimeout));
  });

  it('is read by slackNotifier in batches of 10 that report batch item failures', () => {
    const mapping = mappingsOf(lambdaLogicalId('slackNotifier'))[0];
    expect(mapping?.EventSourceArn).toEqual(getAtt('NotificationQueue'));
    expect(mapping?.BatchSize).toBe(10);
    expect(asArray(mapping?.FunctionResponseTypes)).toContain('ReportBatchItemFailures');
  });
});

describe('the rule that feeds NotificationQueue', () => {
  const rules = rulesTargeting('NotificationQueue');
  const [ruleId, rule] = rules[0] ?? ['(none)', undefined];
  const target = asArray(at(rule, 'Properties', 'Targets')).find((t) =>
    same(at(t, 'Arn'), getAtt('NotificationQueue')),
  );

  it('is the only rule that targets it', () => {
    expect(rules.map(([id]) => id)).toHaveLength(1);
  });

  it('is enabled, on GovernanceEventBus, and matches source ["ecr-warden"]', () => {
    expect(at(rule, 'Properties', 'EventBusName')).toEqual({ Ref: 'GovernanceEventBus' });
    expect(at(rule, 'Properties', 'EventPattern')).toEqual({ source: ['ecr-warden'] });
    expect(at(rule, 'Properties', 'State')).not.toBe('DISABLED');
  });

  it('puts every event in one constant FIFO message group', () => {
    const group = at(target, 'SqsParameters', 'MessageGroupId');
    expect(typeof group).toBe('string');
    expect(group).not.toBe('');
    expect(String(group)).not.toContain('$');
  });

  it('sends undeliverable events to NotificationRuleDeadLetterQueue, a standard queue', () => {
    expect(at(target, 'DeadLetterConfig', 'Arn')).toEqual(getAtt('NotificationRuleDeadLetterQueue'));
    expect(propertiesOfResource('NotificationRuleDeadLetterQueue').FifoQueue).not.toBe(true);
  });

  it('delivers through the queue policy, not a RoleArn', () => {
    expect(target).toBeDefined();
    expect(at(target, 'RoleArn')).toBeUndefined();
  });

  it.each(['NotificationQueue', 'NotificationRuleDeadLetterQueue'])(
    'may send to %s by its queue policy: events.amazonaws.com, SendMessage, aws:SourceArn this rule',
    (queueId) => {
      const allowed = byType('AWS::SQS::QueuePolicy').some(
        ([, policy]) =>
          asArray(at(policy, 'Properties', 'Queues')).some((q) => same(q, { Ref: queueId })) &&
          asArray(at(policy, 'Properties', 'PolicyDocument', 'Statement')).some(
            (statement) =>
              at(statement, 'Effect') === 'Allow' &&
              at(statement, 'Principal', 'Service') === 'events.amazonaws.com' &&
              same(asArray(at(statement, 'Action')), ['sqs:SendMessage']) &&
              same(asArray(at(statement, 'Resource')), [getAtt(queueId)]) &&
              same(at(statement, 'Condition', 'ArnEquals', 'aws:SourceArn'), getAtt(ruleId)),
          ),
      );
      expect(allowed).toBe(true);
    },
  );
});
