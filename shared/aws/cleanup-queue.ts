import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CleanupRequest } from '../cleanup/cleanup-request';
import type { CleanupRequestSender } from '../cleanup/schedule-cleanup';
import { type BatchSendOptions, createQueueSender } from './sqs-batch-sender';
import { sqsClient } from './sqs-client';

/** The cleanup queue: one JSON `CleanupRequest` per message. */
export function createCleanupRequestQueue(settings: {
  queueUrl: string;
  client?: SQSClient;
  options?: BatchSendOptions;
}): CleanupRequestSender {
  return createQueueSender<CleanupRequest>({
    queueUrl: settings.queueUrl,
    serialize: (request) => JSON.stringify(request),
    client: settings.client ?? sqsClient,
    options: settings.options,
  });
}
