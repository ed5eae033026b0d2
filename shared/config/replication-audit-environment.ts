import * as z from '../zod';
import {
  deploymentLocationEnvironmentShape,
  readEnvironment,
  stateTableEnvironmentShape,
  targetQueueEnvironmentShape,
} from './environment';

/**
 * The environment serverless.yml gives replicationAudit, validated at cold start (a missing or bad
 * variable fails the init phase with its name).
 */
const replicationAuditEnvironmentSchema = z.object({
  /**
   * The ecr-warden bus (`ecr-warden-<stage>`). Event bus names: 1-256 of A-Z a-z 0-9 . _ - /.
   * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
   */
  EVENT_BUS_NAME: z
    .string()
    .check(z.regex(/^[/.\-_A-Za-z0-9]{1,256}$/, 'must be an EventBridge bus name such as ecr-warden-prod')),
  /** The idempotency records that keep one replication failure one alert. */
  ...stateTableEnvironmentShape,
  /** The account and region of the source registry: the audit's, and the only source events may name. */
  ...deploymentLocationEnvironmentShape,
  /** An Organizations hub's audit: one message per governed account × region. */
  ...targetQueueEnvironmentShape,
});

export type ReplicationAuditEnvironment = z.output<typeof replicationAuditEnvironmentSchema>;

export function readReplicationAuditEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ReplicationAuditEnvironment {
  return readEnvironment(replicationAuditEnvironmentSchema, env);
}
