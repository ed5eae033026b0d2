import { buildAlarmResources, FUNCTION_ALARMS, METRIC_ALARMS, QUEUE_ALARMS } from '../../../deploy/alarms';
import { FUNCTION_KEYS } from '../../support/function-keys';

const DEFAULTS = {
  lambda: { Namespace: 'AWS/Lambda', Statistic: 'Sum', AlarmActions: [{ Ref: 'AlarmTopic' }] },
  queueDepth: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' },
};

describe('buildAlarmResources', () => {
  const alarms = buildAlarmResources('ecr-warden-prod', DEFAULTS);

  it('gives every function an Errors and a Throttles alarm on its own FunctionName', () => {
    // The function keys are a public contract (DESIGN.md), listed once in test/support/function-keys.ts.
    expect(FUNCTION_ALARMS.map((fn) => fn.key)).toEqual(FUNCTION_KEYS);
    expect(alarms.CleanupWorkerErrorsAlarm?.Properties).toEqual({
      ...DEFAULTS.lambda,
      AlarmName: 'ecr-warden-prod-cleanupWorker-errors',
      AlarmDescription: expect.stringMatching(/^cleanupWorker errors: a cleanup invocation crashed/),
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'CleanupWorkerLambdaFunction' } }],
    });
    expect(alarms.SlackNotifierThrottlesAlarm?.Properties).toMatchObject({
      AlarmName: 'ecr-warden-prod-slackNotifier-throttles',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'SlackNotifierLambdaFunction' } }],
    });
  });

  it('gives every dead-letter and failure queue a depth alarm on its own QueueName', () => {
    expect(alarms.NotificationDeadLetterQueueDepthAlarm?.Properties).toEqual({
      ...DEFAULTS.queueDepth,
      AlarmName: 'ecr-warden-prod-notifications-dlq-not-empty',
      AlarmDescription:
        'notifications-dlq: governance events that could not be posted to Slack after 5 attempts',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['NotificationDeadLetterQueue', 'QueueName'] } },
      ],
    });
  });

  it('alarms on an ecr-warden metric of its own namespace with the Lambda defaults', () => {
    expect(alarms.NotificationsRejectedAlarm?.Properties).toEqual({
      ...DEFAULTS.lambda,
      AlarmName: 'ecr-warden-prod-notifications-rejected',
      AlarmDescription: expect.stringMatching(/^slackNotifier: Slack rejected a notification for good/),
      Namespace: 'ecr-warden',
      MetricName: 'NotificationsRejected',
      Dimensions: [{ Name: 'service', Value: 'ecr-warden' }],
    });
  });

  it('alarms when cleanupWorker could not read an in-use source (the held repositories reach no DLQ)', () => {
    expect(alarms.InUseSourceFailuresAlarm?.Properties).toEqual({
      ...DEFAULTS.lambda,
      AlarmName: 'ecr-warden-prod-in-use-source-failures',
      AlarmDescription: expect.stringMatching(/^cleanupWorker: an in-use source could not be read/),
      Namespace: 'ecr-warden',
      MetricName: 'InUseSourceFailures',
      Dimensions: [{ Name: 'service', Value: 'ecr-warden' }],
    });
  });

  it('makes exactly one alarm per function metric, queue and ecr-warden metric, nothing else', () => {
    expect(Object.keys(alarms)).toHaveLength(
      FUNCTION_ALARMS.length * 2 + QUEUE_ALARMS.length + METRIC_ALARMS.length,
    );
    // every() holds on an empty list: there must be alarms at all.
    expect(Object.keys(alarms).length).toBeGreaterThan(0);
    expect(Object.values(alarms).every((alarm) => alarm.Type === 'AWS::CloudWatch::Alarm')).toBe(true);
  });
});
