/**
 * One message of an SQS queue as the domain code sees it: its id (for logs and batch item failures) and
 * its body, the JSON text the sender wrote. The Lambda event's other fields stay in functions/, which
 * reads them (`Records[]` of the SQS event: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
 */
export interface QueueMessage {
  messageId: string;
  body: string;
}
