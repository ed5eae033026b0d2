import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EcrWardenError } from '../errors';
import { backoffDelay, type RetryTiming, sleep } from './backoff';
import { sqsClient } from './sqs-client';

// SendMessageBatch takes at most 10 messages a call; entry Ids must be unique within the call
// (alphanumerics, `-`, `_`, up to 80 characters). The call can succeed (HTTP 200) with some entries in
// `Failed[]`, each with `Code`, `Message` and `SenderFault`, so every response is checked entry by entry.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_BatchResultErrorEntry.html
export const SEND_MESSAGE_BATCH_MAX_ENTRIES = 10;

/** A SendMessageBatch call failed as a whole (after the SDK's own retries). */
export class QueueSendError extends EcrWardenError {
  override name = 'QueueSendError';
}

/** A message that could not be enqueued, with SQS's reason. */
export interface UndeliveredMessage<Message> {
  message: Message;
  code: string;
  reason: string;
  /** SQS blamed the request (e.g. an invalid body): sending it again cannot succeed. */
  senderFault: boolean;
  attempts: number;
}

export interface BatchSendOptions extends Partial<RetryTiming> {
  /** SendMessageBatch calls in flight at once. */
  concurrency?: number;
}

export interface QueueSender<Message> {
  /**
   * Sends every message, 10 a call, retrying entries that SQS reports in `Failed[]` without sender
   * fault. Resolves with the messages that still could not be sent (empty when all were); rejects with
   * `QueueSendError` when a call fails as a whole.
   */
  sendAll(messages: readonly Message[]): Promise<UndeliveredMessage<Message>[]>;
}

const DEFAULTS = {
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  concurrency: 10,
  sleep,
  random: Math.random,
} satisfies Required<BatchSendOptions>;

export function createQueueSender<Message>(settings: {
  queueUrl: string;
  serialize: (message: Message) => string;
  client?: SQSClient;
  options?: BatchSendOptions;
}): QueueSender<Message> {
  const { queueUrl, serialize, client = sqsClient } = settings;
  const options = { ...DEFAULTS, ...settings.options };

  async function sendBatch(batch: readonly Message[]): Promise<UndeliveredMessage<Message>[]> {
    // The entry Id is the message's index in the batch; retries resend the same Ids.
    let pending = batch.map((message, index) => ({
      message,
      entry: { Id: String(index), MessageBody: serialize(message) },
    }));
    const undelivered: UndeliveredMessage<Message>[] = [];

    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) await options.sleep(backoffDelay(attempt - 1, options));
      const failures = await sendEntries(pending.map(({ entry }) => entry));
      const retry: typeof pending = [];
      for (const item of pending) {
        const failure = failures.get(item.entry.Id);
        if (failure === undefined) continue;
        const senderFault = failure.SenderFault === true;
        if (senderFault || attempt >= options.maxAttempts) {
          undelivered.push({
            message: item.message,
            code: failure.Code ?? 'Unknown',
            reason: failure.Message ?? 'no message from SQS',
            senderFault,
            attempts: attempt,
          });
        } else {
          retry.push(item);
        }
      }
      pending = retry;
    }
    return undelivered;
  }

  /** Sends one call; returns the failed entries by Id, counting an entry SQS did not report on as failed. */
  async function sendEntries(
    entries: SendMessageBatchRequestEntry[],
  ): Promise<Map<string | undefined, BatchResultErrorEntry>> {
    let output: SendMessageBatchCommandOutput;
    try {
      output = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    } catch (error) {
      throw new QueueSendError(`SendMessageBatch to ${queueUrl} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const failures = new Map<string | undefined, BatchResultErrorEntry>();
    for (const failed of output.Failed ?? []) failures.set(failed.Id, failed);
    const succeeded = new Set((output.Successful ?? []).map((entry) => entry.Id));
    for (const entry of entries) {
      if (!succeeded.has(entry.Id) && !failures.has(entry.Id)) {
        failures.set(entry.Id, {
          Id: entry.Id,
          Code: 'NoResult',
          Message: 'SQS reported neither success nor failure for this entry',
          SenderFault: false,
        });
      }
    }
    return failures;
  }

  return {
    async sendAll(messages) {
      const batches: Message[][] = [];
      for (let start = 0; start < messages.length; start += SEND_MESSAGE_BATCH_MAX_ENTRIES) {
        batches.push(messages.slice(start, start + SEND_MESSAGE_BATCH_MAX_ENTRIES));
      }
      const results = await mapWithConcurrency(batches, options.concurrency, sendBatch);
      return results.flat();
    },
  };
}
