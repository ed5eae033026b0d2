import { guardTemplate } from '../../../deploy/template-guard/guard-template';
import { lambdaRole, NAMING, statementsOfRole, subArn, validTemplate } from './template-builder';

const WORKER_ROLE = 'CleanupWorkerIamRoleLambdaExecution';
const guard = (template: ReturnType<typeof validTemplate>) => guardTemplate(template, NAMING).failures;
const SCHEDULER_ROLE = 'CleanupSchedulerIamRoleLambdaExecution';

/** The template with a state table that both functions use, each on partitions of its own. */
function withStateTable(worker: string[], scheduler: string[]) {
  const template = validTemplate();
  template.Resources.StateTable = {
    Type: 'AWS::DynamoDB::Table',
    Properties: { TableName: 'ecr-warden-ci-state' },
  };
  const onTable = (patterns: string[]) => ({
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } },
  });
  statementsOfRole(template, WORKER_ROLE).push(onTable(worker));
  statementsOfRole(template, SCHEDULER_ROLE).push(onTable(scheduler));
  return template;
}

describe('template guard', () => {
  it('passes a template in which every function and queue follows the rules', () => {
    const template = validTemplate();

    const result = guardTemplate(template, NAMING);

    expect(result.failures).toEqual([]);
    expect(result.checks).toBeGreaterThan(20);
  });

  it.each([['*'], ['ecr:*'], ['ecr:Put*']])('refuses the wildcard action %s', (action) => {
    const template = validTemplate();
    statementsOfRole(template, WORKER_ROLE).push({
      Effect: 'Allow',
      Action: [action],
      Resource: [subArn('ecr', 'repository/x')],
    });

    expect(guard(template)).toContain(`${WORKER_ROLE}: wildcard action "${action}"`);
  });

  it('refuses ecr:BatchDeleteImage on Resource "*", naming the allow-list', () => {
    const template = validTemplate();
    statementsOfRole(template, WORKER_ROLE)[2].Resource = ['*'];

    expect(guard(template)).toContainEqual(
      expect.stringContaining(`${WORKER_ROLE}: "ecr:BatchDeleteImage" is allowed on Resource "*"`),
    );
  });

  it('refuses a destructive action scoped to something other than repository ARNs', () => {
    const template = validTemplate();
    statementsOfRole(template, WORKER_ROLE)[2].Resource = [subArn('ecr', '*')];

    expect(guard(template)).toContainEqual(
      expect.stringContaining('destructive "ecr:BatchDeleteImage" must be scoped to ECR repository ARNs'),
    );
  });

  it('accepts a registry-level write on "*" because IAM gives it no resource type', () => {
    const template = validTemplate();
    statementsOfRole(template, WORKER_ROLE).push({
      Effect: 'Allow',
      Action: ['ecr:StartReplicationBackfill'],
      Resource: ['*'],
    });

    expect(guard(template).filter((failure) => failure.includes('Resource "*"'))).toEqual([]);
  });

  it('refuses NotAction and NotResource', () => {
    const template = validTemplate();
    statementsOfRole(template, WORKER_ROLE).push({
      Effect: 'Allow',
      NotAction: ['iam:*'],
      NotResource: ['x'],
    });

    expect(guard(template)).toEqual(
      expect.arrayContaining([
        `${WORKER_ROLE}: a statement uses NotAction`,
        `${WORKER_ROLE}: a statement uses NotResource`,
      ]),
    );
  });

  it('asks for a documented reason for every action a function holds', () => {
    const template = validTemplate();
    statementsOfRole(template, WORKER_ROLE).push({
      Effect: 'Allow',
      Action: ['ecr:DescribeImageScanFindings'],
      Resource: [subArn('ecr', 'repository/*')],
    });

    expect(guard(template)).toContain(
      'cleanupWorker: no documented reason for "ecr:DescribeImageScanFindings": add it to deploy/template-guard/permission-reasons.ts',
    );
  });

  it('requires an on-failure destination queue for a function a schedule invokes', () => {
    const template = validTemplate();
    delete template.Resources.CleanupSchedulerLambdaEvConf;

    expect(guard(template)).toContainEqual(
      expect.stringContaining(
        'cleanupScheduler: invoked asynchronously by CleanupSchedulerEventsRuleSchedule1',
      ),
    );
  });

  it('requires the role to be allowed to write its on-failure destination', () => {
    const template = validTemplate();
    statementsOfRole(template, 'CleanupSchedulerIamRoleLambdaExecution').pop();

    expect(guard(template)).toContainEqual(
      expect.stringContaining(
        'cleanupScheduler: its role may not sqs:SendMessage to its on-failure destination',
      ),
    );
  });

  it('requires a dead-letter queue behind every SQS event source', () => {
    const template = validTemplate();
    delete template.Resources.CleanupQueue.Properties.RedrivePolicy;

    expect(guard(template)).toContain(
      'cleanupWorker: its event source CleanupQueue has no dead-letter queue in the stack (RedrivePolicy)',
    );
  });

  it('requires a dead-letter queue for a rule target that is not a function', () => {
    const template = validTemplate();
    template.Resources.NotificationRule = {
      Type: 'AWS::Events::Rule',
      Properties: { Targets: [{ Id: 'queue', Arn: { 'Fn::GetAtt': ['CleanupQueue', 'Arn'] } }] },
    };

    expect(guard(template)).toContain(
      'NotificationRule: target queue has no dead-letter queue in the stack (DeadLetterConfig)',
    );
  });

  it('requires a depth alarm and 14 days of retention on every dead-letter and failure queue', () => {
    const template = validTemplate();
    delete template.Resources.SchedulerFailureQueueDepthAlarm;
    delete template.Resources.CleanupDeadLetterQueue.Properties.MessageRetentionPeriod;

    expect(guard(template)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^SchedulerFailureQueue \(cleanupScheduler's on-failure destination\): no alarm/,
        ),
        expect.stringMatching(
          /^CleanupDeadLetterQueue \(CleanupQueue's dead-letter queue\): keep messages 14 days/,
        ),
      ]),
    );
  });

  it('requires an errors and a throttles alarm for every function', () => {
    const template = validTemplate();
    delete template.Resources.CleanupWorkerThrottlesAlarm;

    expect(guard(template)).toEqual([
      'cleanupWorker: no Throttles alarm (AWS/Lambda Throttles, FunctionName !Ref CleanupWorkerLambdaFunction)',
    ]);
  });

  it('refuses an alarm topic encrypted with the AWS managed key, which CloudWatch cannot use', () => {
    const template = validTemplate();
    template.Resources.AlarmTopic.Properties.KmsMasterKeyId = 'alias/aws/sns';

    expect(guard(template)).toContainEqual(
      expect.stringContaining(
        'AlarmTopic: the alarm topic must be encrypted with a customer managed KMS key',
      ),
    );
  });

  it('requires the key to let CloudWatch use it, to rotate, and to give kms:* to the account root only', () => {
    const template = validTemplate();
    const key = template.Resources.AlarmTopicKey.Properties;
    key.EnableKeyRotation = false;
    key.KeyPolicy.Statement[1].Action = ['kms:*'];

    expect(guard(template)).toEqual(
      expect.arrayContaining([
        'AlarmTopicKey: EnableKeyRotation must be true',
        expect.stringContaining(
          'AlarmTopicKey: its key policy must let cloudwatch.amazonaws.com kms:Decrypt',
        ),
        expect.stringContaining('AlarmTopicKey: only the account root may hold kms:*'),
      ]),
    );
  });

  it('requires every alarm to notify a topic of the stack, and that topic to be an output', () => {
    const template = validTemplate();
    template.Resources.CleanupWorkerErrorsAlarm.Properties.AlarmActions = [];
    template.Outputs = {};

    expect(guard(template)).toEqual([
      'CleanupWorkerErrorsAlarm: its AlarmActions must notify an SNS topic of the stack',
      'AlarmTopic: no stack output gives its ARN (people subscribe to it)',
    ]);
  });

  it('requires custom-metric alarms to read the namespace the functions write', () => {
    const template = validTemplate();
    template.Resources.ShareAlarm = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Namespace: 'warden', MetricName: 'DeletionShare', AlarmActions: [{ Ref: 'AlarmTopic' }] },
    };

    expect(guard(template)).toContain(
      'ShareAlarm: reads namespace warden but cleanupScheduler writes its metrics to ecr-warden (POWERTOOLS_METRICS_NAMESPACE)',
    );
  });

  it('refuses an alarm on a metric no function writes', () => {
    const template = validTemplate();
    template.Resources.ShareAlarm = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'ecr-warden',
        MetricName: 'DeletedShare',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      },
    };

    expect(guard(template)).toEqual([
      'ShareAlarm: no function writes the metric DeletedShare (deploy/template-guard/known-metrics.ts)',
    ]);
  });

  it('requires a retention on every log group', () => {
    const template = validTemplate();
    delete template.Resources.CleanupSchedulerLogGroup.Properties.RetentionInDays;

    expect(guard(template)).toEqual(['CleanupSchedulerLogGroup: no RetentionInDays (logs kept forever)']);
  });

  it("refuses a Lambda execution role that no function uses, such as osls's shared default role", () => {
    const template = validTemplate();
    template.Resources.IamRoleLambdaExecution = lambdaRole([
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage'],
        Resource: [{ 'Fn::GetAtt': ['CleanupQueue', 'Arn'] }],
      },
    ]);

    expect(guard(template)).toEqual([
      "IamRoleLambdaExecution: a Lambda execution role no function of the stack uses grants what nobody needs: remove it (osls's shared IamRoleLambdaExecution: scripts/omit-default-role.cjs)",
    ]);
  });

  it('refuses a reference to something the template does not define', () => {
    const template = validTemplate();
    template.Resources.CleanupWorkerLambdaFunction.DependsOn = ['IamRoleLambdaExecution'];
    template.Resources.CleanupWorkerLambdaFunction.Properties.Environment = {
      Variables: {
        POWERTOOLS_METRICS_NAMESPACE: 'ecr-warden',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
        ROLE: { 'Fn::Sub': '${Missing.Arn} in ${AWS::Region}' },
      },
    };

    expect(guard(template)).toEqual([
      'CleanupWorkerLambdaFunction.Properties.Environment.Variables.ROLE.Fn::Sub: refers to Missing, which the template does not define',
      'CleanupWorkerLambdaFunction.DependsOn: refers to IamRoleLambdaExecution, which the template does not define',
    ]);
  });

  describe('state table statements', () => {
    const onlyTableFailures = (template: ReturnType<typeof validTemplate>) =>
      guard(template).filter((failure) => !failure.includes('no documented reason'));

    it('accepts each function on partitions of its own', () => {
      expect(
        onlyTableFailures(withStateTable(['CLEANUP#*', 'IDEMPOTENCY#cleanup%23*'], ['SCHEDULE#*'])),
      ).toEqual([]);
    });

    it('refuses a statement without a dynamodb:LeadingKeys condition', () => {
      const template = withStateTable(['CLEANUP#*'], ['SCHEDULE#*']);
      delete statementsOfRole(template, WORKER_ROLE).at(-1).Condition;

      expect(onlyTableFailures(template)).toEqual([
        'cleanupWorker: its statement on StateTable has no ForAllValues:StringLike condition on dynamodb:LeadingKeys; limit it to the partitions it owns (shared/state/state-access.ts)',
      ]);
    });

    it('refuses Scan, which carries no leading key, and a pattern that starts with a wildcard', () => {
      const template = withStateTable(['*'], ['SCHEDULE#*']);
      statementsOfRole(template, WORKER_ROLE).at(-1).Action.push('dynamodb:Scan');

      expect(onlyTableFailures(template)).toEqual([
        'cleanupWorker: "dynamodb:Scan" names no item, so dynamodb:LeadingKeys cannot limit it (ForAllValues holds for no keys at all)',
        'cleanupWorker: dynamodb:LeadingKeys pattern "*" starts with a wildcard: it reaches every partition',
        'cleanupScheduler and cleanupWorker: dynamodb:LeadingKeys patterns "SCHEDULE#*" and "*" overlap; each key family has one owner (shared/state/state-access.ts)',
      ]);
    });

    it('lets a read-only statement reach only families shared with the function for reading', () => {
      const template = withStateTable(['CLEANUP#*', 'INUSE#*'], ['SCHEDULE#*']);
      const readOnly = (patterns: string[]) => ({
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } },
      });
      // The owner of the in-use index may read it in a statement of its own; cleanupScheduler is no
      // reader of it (shared/state/state-access.ts), and a read-only statement owns nothing.
      statementsOfRole(template, WORKER_ROLE).push(readOnly(['INUSE#*']));
      statementsOfRole(template, SCHEDULER_ROLE).push(readOnly(['INUSE#*']));

      expect(onlyTableFailures(template)).toEqual([
        'cleanupScheduler: reads dynamodb:LeadingKeys "INUSE#*", a family neither owned by nor shared with it (shared/state/state-access.ts)',
      ]);
    });

    it('refuses two functions whose patterns reach the same partitions', () => {
      const template = withStateTable(['IDEMPOTENCY#*'], ['IDEMPOTENCY#schedule%23*']);

      expect(onlyTableFailures(template)).toEqual([
        'cleanupScheduler and cleanupWorker: dynamodb:LeadingKeys patterns "IDEMPOTENCY#schedule%23*" and "IDEMPOTENCY#*" overlap; each key family has one owner (shared/state/state-access.ts)',
      ]);
    });
  });

  it("refuses a key policy that lets a service use the key for any account's resources", () => {
    const template = validTemplate();
    delete template.Resources.AlarmTopicKey.Properties.KeyPolicy.Statement[1].Condition;

    expect(guard(template)).toEqual([
      'AlarmTopicKey: its key policy lets cloudwatch.amazonaws.com use the key for any account; add StringEquals aws:SourceAccount: !Ref AWS::AccountId',
    ]);
  });

  it('accepts a queue policy bound to a rule of the stack, and refuses one bound to nothing', () => {
    const template = validTemplate();
    const queuePolicy = (condition?: object) => ({
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'CleanupQueue' }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': ['CleanupQueue', 'Arn'] },
              ...(condition === undefined ? {} : { Condition: condition }),
            },
          ],
        },
      },
    });
    template.Resources.BoundPolicy = queuePolicy({
      ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['CleanupSchedulerEventsRuleSchedule1', 'Arn'] } },
    });
    template.Resources.OpenPolicy = queuePolicy();

    expect(guard(template)).toEqual([
      "OpenPolicy: it admits events.amazonaws.com for any account's resources; add StringEquals aws:SourceAccount: !Ref AWS::AccountId or an aws:SourceArn of a resource of the stack",
    ]);
  });
});
