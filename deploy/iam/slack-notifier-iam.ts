import { getAtt, type IamStatement, regionalArn } from './iam-statement';
import { stateTableStatement } from './state-table-iam';

/**
 * The IAM statements of slackNotifier's own role (serverless-iam-roles-per-function), built from
 * ecr-warden.yml by deploy/resolve-variables.cjs because one of them depends on the config:
 *
 * - `ssm:GetParameter` on exactly the webhook parameters that `notifications.routes` names, and no
 *   statement at all when there is no route (IAM refuses a statement without resources). No
 *   `kms:Decrypt`: SecureString parameters encrypted with the AWS managed key aws/ssm are decrypted for
 *   any principal of the account that may read them through SSM
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html). A
 *   parameter under a customer managed key needs kms:Decrypt on that key, which ecr-warden does not
 *   grant.
 * - GetItem, PutItem and DeleteItem on the state table: the idempotency records (get, conditional put,
 *   conditional delete; shared/aws/idempotency.ts never updates an item in place, so no UpdateItem),
 *   only on its own `slack-notification` records (dynamodb:LeadingKeys, deploy/iam/state-table-iam.ts).
 * - `sqs:SendMessage` on the notifications dead-letter queue only: a message still failing at its
 *   second receive is parked there (shared/aws/notification-parking.ts) so that the single FIFO message
 *   group moves on. The queue uses SSE-SQS, which needs no KMS permission.
 *
 * The SQS event source's statement (ReceiveMessage, DeleteMessage, GetQueueAttributes on the
 * notification queue) is added by serverless-iam-roles-per-function itself from the `sqs` event.
 */

/**
 * A parameter's ARN: `arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading />`.
 * Parameter names here always start with `/` (see shared/config/schema.ts), so the name is appended as it
 * is. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 */
export function webhookParameterArn(parameterName: string): { 'Fn::Sub': string } {
  if (!parameterName.startsWith('/')) {
    throw new Error(`webhook parameter ${parameterName} must be a fully qualified name starting with "/"`);
  }
  // Parameter names cannot contain `$`, so nothing in the name reads as a Fn::Sub variable.
  return regionalArn('ssm', `parameter${parameterName}`);
}

export function slackNotifierIamStatements(
  routes: readonly { webhookParameter: string }[],
  stateTableLogicalId = 'StateTable',
  deadLetterQueueLogicalId = 'NotificationDeadLetterQueue',
): IamStatement[] {
  const parameters = [...new Set(routes.map((route) => route.webhookParameter))].sort();
  const statements: IamStatement[] = [];
  if (parameters.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: parameters.map(webhookParameterArn),
    });
  }
  statements.push(
    stateTableStatement(
      'slackNotifier',
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      stateTableLogicalId,
    ),
  );
  statements.push({
    Effect: 'Allow',
    Action: ['sqs:SendMessage'],
    Resource: [getAtt(deadLetterQueueLogicalId)],
  });
  return statements;
}
