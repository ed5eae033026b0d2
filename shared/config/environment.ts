import { z } from 'zod';
import { EcrWardenError } from '../errors';

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

function readEnvironment<Schema extends z.ZodObject>(
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
