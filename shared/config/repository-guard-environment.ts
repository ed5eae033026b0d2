import * as z from '../zod';
import {
  deploymentLocationEnvironmentShape,
  readEnvironment,
  stateTableEnvironmentShape,
  targetQueueEnvironmentShape,
} from './environment';

/**
 * The environment serverless.yml gives tagImmutability (the repository guard), validated at cold
 * start: a missing or bad variable fails the init phase with its name.
 */
const repositoryGuardEnvironmentSchema = z.object({
  /**
   * The ecr-warden bus (`ecr-warden-<stage>`, `!Ref GovernanceEventBus`). Event bus names: 1-256 of
   * A-Z a-z 0-9 . _ - /. https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
   */
  EVENT_BUS_NAME: z
    .string()
    .check(z.regex(/^[/.\-_A-Za-z0-9]{1,256}$/, 'must be an EventBridge bus name such as ecr-warden-prod')),
  /** The tag ledger, the drift ledger and the idempotency records. */
  ...stateTableEnvironmentShape,
  /**
   * The function's own execution role: CloudTrail records of the calls it makes name this role, and the
   * guard ignores them, so that its own remediation never triggers it again.
   */
  GUARD_ROLE_ARN: z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN')),
  /** The registry the guard fixes and reports on; events of other accounts and regions are rejected. */
  ...deploymentLocationEnvironmentShape,
  /** An Organizations hub's sweep: one message per governed account × region. */
  ...targetQueueEnvironmentShape,
});

export type RepositoryGuardEnvironment = z.output<typeof repositoryGuardEnvironmentSchema>;

export function readRepositoryGuardEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): RepositoryGuardEnvironment {
  return readEnvironment(repositoryGuardEnvironmentSchema, env);
}
