import type { CloudFormationTemplate } from '../../../deploy/template-guard/cloudformation';

/**
 * A small template in the shape `osls package` writes, that passes every rule of the template guard:
 * one function on a schedule with its on-failure queue, one on an SQS queue with a dead-letter queue,
 * their alarms, and the encrypted alarm topic. Built afresh for each test, which then breaks one thing.
 */
export const NAMING = { service: 'ecr-warden', stage: 'ci' };

const sub = (text: string) => ({ 'Fn::Sub': text });
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub variables, not JavaScript
const ACCOUNT_ARN = 'arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:';

/** `{ 'Fn::Sub': 'arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<resource>' }` */
export const subArn = (service: string, resource: string) =>
  sub(`${ACCOUNT_ARN.replace('%s', service)}${resource}`);
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string) => ({ Ref: id });

const lambdaAlarm = (fn: string, metric: string) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    Namespace: 'AWS/Lambda',
    MetricName: metric,
    Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }],
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: [ref('AlarmTopic')],
  },
});

const depthAlarm = (queue: string) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: getAtt(queue, 'QueueName') }],
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: [ref('AlarmTopic')],
  },
});

const logs = (name: string) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
  Resource: [subArn('logs', `log-group:/aws/lambda/${name}:*:*`)],
});

const environment = { Variables: { POWERTOOLS_METRICS_NAMESPACE: 'ecr-warden' } };

/** An execution role as osls writes it: Lambda's trust policy and one inline policy. */
export const lambdaRole = (statements: object[]) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Statement: [
        { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
      ],
    },
    Policies: [{ PolicyDocument: { Statement: statements } }],
  },
});

// Tests reach into the template to break one thing at a time: loosely typed, as CloudFormation is.
// biome-ignore lint/suspicious/noExplicitAny: see above
type LooseResources = Record<string, any>;

export function validTemplate(): CloudFormationTemplate & { Resources: LooseResources } {
  return {
    Resources: {
      CleanupSchedulerLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: 'ecr-warden-ci-cleanupScheduler',
          Description: 'Queues cleanup requests',
          Role: getAtt('CleanupSchedulerIamRoleLambdaExecution'),
          Environment: environment,
        },
      },
      CleanupSchedulerIamRoleLambdaExecution: lambdaRole([
        logs('ecr-warden-ci-cleanupScheduler'),
        {
          Effect: 'Allow',
          Action: ['ecr:DescribeRepositories'],
          Resource: [subArn('ecr', 'repository/*')],
        },
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [getAtt('CleanupQueue')] },
        {
          Effect: 'Allow',
          Action: ['sqs:SendMessage'],
          Resource: [getAtt('SchedulerFailureQueue')],
        },
      ]),
      CleanupSchedulerLogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: '/aws/lambda/ecr-warden-ci-cleanupScheduler', RetentionInDays: 30 },
      },
      CleanupSchedulerEventsRuleSchedule1: {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'rate(1 day)',
          Targets: [{ Id: 'schedule', Arn: getAtt('CleanupSchedulerLambdaFunction') }],
        },
      },
      CleanupSchedulerLambdaEvConf: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: ref('CleanupSchedulerLambdaFunction'),
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: getAtt('SchedulerFailureQueue') } },
        },
      },
      CleanupWorkerLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: 'ecr-warden-ci-cleanupWorker',
          Description: 'Cleans repositories',
          Role: getAtt('CleanupWorkerIamRoleLambdaExecution'),
          Environment: environment,
        },
      },
      CleanupWorkerIamRoleLambdaExecution: lambdaRole([
        logs('ecr-warden-ci-cleanupWorker'),
        {
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: [getAtt('CleanupQueue')],
        },
        {
          Effect: 'Allow',
          Action: ['ecr:BatchDeleteImage'],
          Resource: [subArn('ecr', 'repository/team-a/*')],
        },
        { Effect: 'Allow', Action: ['lambda:ListFunctions'], Resource: ['*'] },
      ]),
      CleanupWorkerEventSourceMappingSQSCleanupQueue: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: getAtt('CleanupWorkerLambdaFunction'),
          EventSourceArn: getAtt('CleanupQueue'),
        },
      },
      CleanupQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: 'ecr-warden-ci-cleanup',
          RedrivePolicy: { deadLetterTargetArn: getAtt('CleanupDeadLetterQueue'), maxReceiveCount: 3 },
        },
      },
      CleanupDeadLetterQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: 'ecr-warden-ci-cleanup-dlq', MessageRetentionPeriod: 1209600 },
      },
      SchedulerFailureQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: 'ecr-warden-ci-cleanup-scheduler-failures',
          MessageRetentionPeriod: 1209600,
        },
      },
      CleanupSchedulerErrorsAlarm: lambdaAlarm('CleanupSchedulerLambdaFunction', 'Errors'),
      CleanupSchedulerThrottlesAlarm: lambdaAlarm('CleanupSchedulerLambdaFunction', 'Throttles'),
      CleanupWorkerErrorsAlarm: lambdaAlarm('CleanupWorkerLambdaFunction', 'Errors'),
      CleanupWorkerThrottlesAlarm: lambdaAlarm('CleanupWorkerLambdaFunction', 'Throttles'),
      CleanupDeadLetterQueueDepthAlarm: depthAlarm('CleanupDeadLetterQueue'),
      SchedulerFailureQueueDepthAlarm: depthAlarm('SchedulerFailureQueue'),
      AlarmTopicKey: {
        Type: 'AWS::KMS::Key',
        Properties: {
          EnableKeyRotation: true,
          KeyPolicy: {
            Statement: [
              {
                Effect: 'Allow',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
                Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
                Action: 'kms:*',
                Resource: '*',
              },
              {
                Effect: 'Allow',
                Principal: { Service: 'cloudwatch.amazonaws.com' },
                Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
                Resource: '*',
                Condition: {
                  StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
                  ArnLike: { 'aws:SourceArn': subArn('cloudwatch', 'alarm:*') },
                },
              },
            ],
          },
        },
      },
      AlarmTopic: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: 'ecr-warden-ci-alarms', KmsMasterKeyId: ref('AlarmTopicKey') },
      },
      AlarmTopicPolicy: {
        Type: 'AWS::SNS::TopicPolicy',
        Properties: {
          Topics: [ref('AlarmTopic')],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'cloudwatch.amazonaws.com' },
                Action: 'sns:Publish',
                Resource: ref('AlarmTopic'),
                Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
              },
            ],
          },
        },
      },
    },
    Outputs: { AlarmTopicArn: { Value: ref('AlarmTopic') } },
  };
}

/** The statements of a function's role in the template, to change in place. */
// biome-ignore lint/suspicious/noExplicitAny: statements are changed in place by the tests
export function statementsOfRole(template: ReturnType<typeof validTemplate>, roleId: string): any[] {
  return template.Resources[roleId].Properties.Policies[0].PolicyDocument.Statement;
}
