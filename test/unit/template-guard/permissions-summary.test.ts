import {
  renderPermissionsMarkdown,
  renderPermissionsText,
  summarizePermissions,
} from '../../../deploy/template-guard/permissions-summary';
import { NAMING, statementsOfRole, validTemplate } from './template-builder';

describe('the permissions summary', () => {
  it('lists every statement of each function with its resources, as people read them, and why', () => {
    const summary = summarizePermissions(validTemplate(), NAMING);

    expect(summary.map((fn) => fn.key)).toEqual(['cleanupScheduler', 'cleanupWorker']);
    expect(summary[0]).toEqual({
      key: 'cleanupScheduler',
      description: 'Queues cleanup requests',
      triggers: ['schedule rate(1 day)'],
      failures: [{ when: 'after 2 retries', queue: 'sqs ecr-warden-<stage>-cleanup-scheduler-failures' }],
      rows: [
        {
          actions: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
          resources: [
            'arn:aws:logs:<region>:<account>:log-group:/aws/lambda/ecr-warden-<stage>-cleanupScheduler:*:*',
          ],
          why: 'write its own log group, nothing else',
        },
        {
          actions: ['ecr:DescribeRepositories'],
          resources: ['arn:aws:ecr:<region>:<account>:repository/*'],
          why: 'list the registry to find the repositories a cleanup rule covers',
        },
        {
          actions: ['sqs:SendMessage'],
          resources: ['sqs ecr-warden-<stage>-cleanup'],
          why: 'queue one cleanup request per repository',
        },
        {
          actions: ['sqs:SendMessage'],
          resources: ['sqs ecr-warden-<stage>-cleanup-scheduler-failures'],
          why: "on-failure destination: Lambda sends a failed event there with the function's role",
        },
      ],
    });
    expect(summary[1]?.triggers).toEqual(['sqs ecr-warden-<stage>-cleanup']);
    expect(summary[1]?.failures).toEqual([
      { when: 'after 3 receives', queue: 'sqs ecr-warden-<stage>-cleanup-dlq' },
    ]);
    expect(summary[1]?.rows[1]?.why).toBe('read its own SQS event source');
  });

  it('prints one line per statement with short ARNs', () => {
    const text = renderPermissionsText(summarizePermissions(validTemplate(), NAMING));

    expect(text).toContain(
      '  ecr:BatchDeleteImage → ecr:repository/team-a/* — delete what the plan expires (only when cleanup.dryRun is false)',
    );
    expect(text).toContain(
      '  lambda:ListFunctions → * — find container-image functions, whose images are never deleted',
    );
  });

  it('renders a markdown table per function for the README', () => {
    const markdown = renderPermissionsMarkdown(summarizePermissions(validTemplate(), NAMING));

    expect(markdown).toContain('#### `cleanupWorker`');
    expect(markdown).toContain(
      'Cleans repositories. Runs on: `sqs ecr-warden-<stage>-cleanup`. Failures: after 3 receives, `sqs ecr-warden-<stage>-cleanup-dlq`.',
    );
    expect(markdown).toContain(
      '| `ecr:BatchDeleteImage` | `arn:aws:ecr:<region>:<account>:repository/team-a/*` | delete what the plan expires (only when cleanup.dryRun is false) |',
    );
  });

  it('shows the partitions a LeadingKeys condition limits a table statement to', () => {
    const template = validTemplate();
    template.Resources.StateTable = {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: 'ecr-warden-ci-state' },
    };
    statementsOfRole(template, 'CleanupWorkerIamRoleLambdaExecution').push({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem'],
      Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
      Condition: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLEANUP#*', 'IDEMPOTENCY#cleanup%23*'] },
      },
    });
    const summary = summarizePermissions(template, NAMING);

    expect(summary[1]?.rows.at(-1)?.only).toEqual({
      what: 'partition keys',
      values: ['CLEANUP#*', 'IDEMPOTENCY#cleanup%23*'],
    });
    expect(renderPermissionsText(summary)).toContain(
      'dynamodb:GetItem → dynamodb table ecr-warden-<stage>-state (partition keys CLEANUP#*, IDEMPOTENCY#cleanup%23*)',
    );
    expect(renderPermissionsMarkdown(summary)).toContain(
      '| `dynamodb:GetItem` | `dynamodb table ecr-warden-<stage>-state`<br>only partition keys `CLEANUP#*`, `IDEMPOTENCY#cleanup%23*` |',
    );
  });
});
