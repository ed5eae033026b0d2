import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NotificationParking } from '../notify/process-notification-batch';
import { sqsClient } from './sqs-client';

/**
 * Parks a notification queue message in the notifications dead-letter queue (SQS FIFO, SSE-SQS) with
 * `SendMessage`, as SQS's own redrive would after maxReceiveCount, only sooner: the body is the
 * governance event unchanged, so a redrive (`aws sqs start-message-move-task`) sends it back to the
 * notification queue, and the delivery ledger lets it post only the routes it had not reached.
 *
 * A FIFO queue needs a MessageGroupId: the notification queue's one group, so that parked messages keep
 * their order. The deduplication id is the source message id: parking the same message twice within SQS's
 * 5-minute deduplication interval (a crash between park and delete) stores it once.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export const NOTIFICATION_MESSAGE_GROUP = 'governance-notifications';

export function createNotificationParking(settings: {
  queueUrl: string;
  client?: Pick<SQSClient, 'send'>;
}): NotificationParking {
  const client = settings.client ?? sqsClient;
  return {
    async park(message, reason) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: settings.queueUrl,
          MessageBody: message.body,
          MessageGroupId: NOTIFICATION_MESSAGE_GROUP,
          MessageDeduplicationId: message.messageId,
          MessageAttributes: {
            parkedBecause: { DataType: 'String', StringValue: reason.slice(0, 1_000) },
          },
        }),
      );
    },
  };
}
