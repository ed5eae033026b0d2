import { EcrWardenError } from '../errors';
import * as z from '../zod';

/** A function's environment is missing a variable or holds a bad value. Thrown at cold start. */
export class EnvironmentError extends EcrWardenError {
  override name = 'EnvironmentError';

  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(
      `invalid Lambda environment: ${problems.map(({ variable, message }) => `${variable} ${message}`).join('; ')}`,
    );
  }
}

const queueUrl = z.url({ protocol: /^https$/, error: 'must be an https SQS queue URL' });

const cleanupSchedulerEnvironmentSchema = z.object({
  /** Set by serverless.yml to `Ref: CleanupQueue` (the queue URL). */
  CLEANUP_QUEUE_URL: queueUrl,
});

export type CleanupSchedulerEnvironment = z.output<typeof cleanupSchedulerEnvironmentSchema>;

export function readCleanupSchedulerEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CleanupSchedulerEnvironment {
  return readEnvironment(cleanupSchedulerEnvironmentSchema, env);
}

/**
 * cleanupScheduler of an Organizations hub (issue 15) also reports unreachable accounts: once per run
 * (the state table's run-once records) on the ecr-warden bus, and assumes the member roles from the
 * hub's own account and region. Read at cold start only when the config has an `organization`.
 */
export function readOrganizationCleanupSchedulerEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return readEnvironment(
    z.object({
      ...cleanupSchedulerEnvironmentSchema.shape,
      EVENT_BUS_NAME: eventBusName,
      ...stateTableEnvironmentShape,
      ...deploymentLocationEnvironmentShape,
    }),
    env,
  );
}

/**
 * cleanupWorker of an Organizations hub: the hub's own account and region (which member account is
 * acted in with the function's own credentials, the member roles' partition). Read at cold start only
 * when the config has an `organization`.
 */
export function readOrganizationCleanupWorkerEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return readEnvironment(z.object(deploymentLocationEnvironmentShape), env);
}

/** Validates `env` against `schema`; the error names every variable that is missing or wrong. */
export function readEnvironment<Schema extends z.ZodMiniObject>(
  schema: Schema,
  env: Readonly<Record<string, string | undefined>>,
): z.output<Schema> {
  const result = schema.safeParse(env, { reportInput: true });
  if (result.success) return result.data;
  throw new EnvironmentError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(environment)'),
      message: issue.input === undefined || issue.input === '' ? 'is not set' : issue.message,
    })),
  );
}

/**
 * DynamoDB table names: 3 to 255 characters of a-z, A-Z, 0-9, `_`, `-` and `.`.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
const tableName = z.string().check(
  z.regex(/^[A-Za-z0-9_.-]{3,255}$/, {
    error: 'must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ - .)',
  }),
);

/**
 * The variable serverless.yml sets (`STATE_TABLE_NAME: !Ref StateTable`) on every function that reads
 * or writes state. Spread it into a function's own environment schema.
 */
export const stateTableEnvironmentShape = {
  STATE_TABLE_NAME: tableName,
};

const stateTableEnvironmentSchema = z.object(stateTableEnvironmentShape);

export type StateTableEnvironment = z.output<typeof stateTableEnvironmentSchema>;

export function readStateTableEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): StateTableEnvironment {
  return readEnvironment(stateTableEnvironmentSchema, env);
}

const awsRegion = z
  .string()
  .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'));

/**
 * Where the function runs: the own account and region of its governed scope
 * (shared/events/governed-scope.ts), never taken from an event, which may claim any account. Spread it
 * into the environment schema of every function that acts on the account or region of an event.
 * - DEPLOYMENT_ACCOUNT_ID: serverless.yml sets it to `!Ref AWS::AccountId`, CloudFormation's pseudo
 *   parameter, resolved at deploy time (osls packages offline, so not `${aws:accountId}`).
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 * - AWS_REGION: set by the Lambda runtime.
 *   https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export const deploymentLocationEnvironmentShape = {
  DEPLOYMENT_ACCOUNT_ID: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  AWS_REGION: awsRegion,
};

/**
 * An Organizations hub's per account × region work (issue 15, shared/events/target-message.ts): the
 * function's own target queue, `!Ref <Function>TargetQueue`, which serverless.yml sets only when the
 * config has an `organization` section. Spread it into the function's environment schema and ask for
 * it with requireTargetQueueUrl at cold start.
 */
export const targetQueueEnvironmentShape = {
  TARGET_QUEUE_URL: z.optional(queueUrl),
};

/**
 * The target queue's URL of a hub (an EnvironmentError naming the variable when it is missing, so that
 * the init phase fails before any schedule is accepted); undefined without `organization`.
 */
export function requireTargetQueueUrl(
  environment: { TARGET_QUEUE_URL?: string | undefined },
  organizationHub: boolean,
): string | undefined {
  if (!organizationHub) return undefined;
  if (environment.TARGET_QUEUE_URL === undefined) {
    throw new EnvironmentError([
      {
        variable: 'TARGET_QUEUE_URL',
        message: 'is not set: an organization hub queues its scheduled work per account and region',
      },
    ]);
  }
  return environment.TARGET_QUEUE_URL;
}

/**
 * EventBridge event bus names: 1-256 of A-Z a-z 0-9 . - _ (a name, not an ARN, for the custom bus).
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
 */
const eventBusName = z.string().check(
  z.regex(/^[A-Za-z0-9._-]{1,256}$/, {
    error: 'must be an EventBridge event bus name (1-256 of A-Z a-z 0-9 . - _)',
  }),
);

const scanFindingsEnvironmentSchema = z.object({
  /** ecr-warden's own bus, where Vulnerability Alerts and Digests are published. */
  EVENT_BUS_NAME: eventBusName,
  ...stateTableEnvironmentShape,
  /** Scan events of other accounts and regions are rejected. */
  ...deploymentLocationEnvironmentShape,
  /** Organizations hub only (issue 15): the digest's one message per governed account × region. */
  ...targetQueueEnvironmentShape,
});

export type ScanFindingsEnvironment = z.output<typeof scanFindingsEnvironmentSchema>;

const cleanupWorkerEnvironmentSchema = z.object({
  /** ecr-warden's own bus, where one Cleanup Report per repository is published. */
  EVENT_BUS_NAME: eventBusName,
  /** Idempotency records, run progress and grace-period marks. */
  ...stateTableEnvironmentShape,
});

export type CleanupWorkerEnvironment = z.output<typeof cleanupWorkerEnvironmentSchema>;

export function readCleanupWorkerEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CleanupWorkerEnvironment {
  return readEnvironment(cleanupWorkerEnvironmentSchema, env);
}

export function readScanFindingsEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ScanFindingsEnvironment {
  return readEnvironment(scanFindingsEnvironmentSchema, env);
}

const slackNotifierEnvironmentSchema = z.object({
  ...stateTableEnvironmentShape,
  /**
   * Set by serverless.yml to `Ref: NotificationDeadLetterQueue` (the queue URL): where the notifier parks a
   * message that still fails at its second receive (shared/notify/process-notification-batch.ts).
   */
  NOTIFICATION_DEAD_LETTER_QUEUE_URL: queueUrl,
  /**
   * Organizations hub only (issue 15), needed when `organization.organizationalUnits` is set: the hub
   * account that reads the OUs' accounts, so that routes can match OUs (set from `AWS::AccountId`).
   */
  DEPLOYMENT_ACCOUNT_ID: z.optional(
    z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  ),
  AWS_REGION: z.optional(awsRegion),
});

export type SlackNotifierEnvironment = z.output<typeof slackNotifierEnvironmentSchema>;

export function readSlackNotifierEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SlackNotifierEnvironment {
  return readEnvironment(slackNotifierEnvironmentSchema, env);
}
