import { slackNotifierIamStatements, webhookParameterArn } from '../../../deploy/iam/slack-notifier-iam';

const STATE_TABLE_STATEMENT = {
  Effect: 'Allow',
  Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
  Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
  // Its own idempotency records only: `slack-notification#<route>#<event id>`, encoded as one key part.
  Condition: {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEMPOTENCY#slack-notification%23*'] },
  },
};
const PARKING_STATEMENT = {
  Effect: 'Allow',
  Action: ['sqs:SendMessage'],
  Resource: [{ 'Fn::GetAtt': ['NotificationDeadLetterQueue', 'Arn'] }],
};

describe('slackNotifierIamStatements', () => {
  it('allows ssm:GetParameter on exactly the parameters the routes name, each once', () => {
    const statements = slackNotifierIamStatements([
      { webhookParameter: '/ecr-warden/slack/security' },
      { webhookParameter: '/ecr-warden/slack/platform' },
      { webhookParameter: '/ecr-warden/slack/security' },
    ]);

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: [
          {
            'Fn::Sub':
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
              'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/ecr-warden/slack/platform',
          },
          {
            'Fn::Sub':
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
              'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/ecr-warden/slack/security',
          },
        ],
      },
      STATE_TABLE_STATEMENT,
      PARKING_STATEMENT,
    ]);
  });

  it('has no SSM statement at all without routes (IAM refuses a statement without resources)', () => {
    expect(slackNotifierIamStatements([])).toEqual([STATE_TABLE_STATEMENT, PARKING_STATEMENT]);
  });

  it('builds a parameter ARN with a single slash after "parameter"', () => {
    expect(webhookParameterArn('/a/b')['Fn::Sub']).toMatch(/:parameter\/a\/b$/);
    expect(() => webhookParameterArn('a/b')).toThrow('must be a fully qualified name');
  });
});
