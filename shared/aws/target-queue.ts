import type { SQSClient } from '@aws-sdk/client-sqs';
import { EcrWardenError } from '../errors';
import { buildTargetMessage, type TargetMessage, type TargetWork } from '../events/target-message';
import type { GovernedTarget } from '../organization/governed-accounts';
import { createQueueSender, type QueueSender } from './sqs-batch-sender';
import { sqsClient } from './sqs-client';

/**
 * A function's target queue (issue 15): the schedule's invocation of an Organizations hub queues one
 * target message per governed account × region (shared/events/target-message.ts), and the same
 * function's SQS event source does each target's work. SendMessageBatch, ten a call, failed entries
 * retried (./sqs-batch-sender.ts).
 */
export function createTargetQueue(settings: {
  queueUrl: string;
  client?: SQSClient;
}): QueueSender<TargetMessage> {
  return createQueueSender<TargetMessage>({
    queueUrl: settings.queueUrl,
    serialize: (message) => JSON.stringify(message),
    client: settings.client ?? sqsClient,
  });
}

/** Some targets of a run could not be queued: the run fails (and is retried) so that none is lost silently. */
export class TargetQueueingError extends EcrWardenError {
  override name = 'TargetQueueingError';
}

/** Queues one message per target of the run; resolves with how many, rejects naming what was not queued. */
export async function queueTargets(
  queue: QueueSender<TargetMessage>,
  work: TargetWork,
  targets: readonly GovernedTarget[],
  runId: string,
): Promise<{ targetsQueued: number }> {
  const messages = targets.map((target) =>
    buildTargetMessage(work, { account: target.account.id, region: target.region }, runId),
  );
  const undelivered = await queue.sendAll(messages);
  if (undelivered.length > 0) {
    const shown = undelivered
      .slice(0, 5)
      .map(({ message, code, reason }) => `${message.account}/${message.region} (${code}: ${reason})`);
    const more = undelivered.length > 5 ? ` and ${undelivered.length - 5} more` : '';
    throw new TargetQueueingError(
      `${undelivered.length} ${work} target(s) of run ${runId} could not be queued: ${shown.join(', ')}${more}`,
    );
  }
  return { targetsQueued: messages.length };
}
