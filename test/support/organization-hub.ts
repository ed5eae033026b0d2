import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { RegistrySimulator } from '../../local/registry-sim';

/**
 * The accounts of the Organizations hub tests (issue 15): the hub itself, a member whose member stack
 * (its role) is deployed, and a governed account without one.
 */
export const HUB = '123456789012';
export const MEMBER = '333333333333';
export const UNREACHABLE = '444444444444';
export const MEMBER_ROLE = 'ecr-warden-member';

/**
 * Plants the member role in MEMBER (trusting the role the handlers act as), and makes the function's
 * clock the simulator's: the simulated STS dates its sessions by it, and a session that looks expired
 * to the member access's cache would be assumed again on every call. Call in a beforeEach; restore
 * with jest.restoreAllMocks().
 */
export function plantMemberRole(sim: RegistrySimulator): void {
  jest.spyOn(Date, 'now').mockImplementation(() => sim.clock.nowMs());
  const identity = sim.world.services.identity;
  identity.createRole({
    accountId: MEMBER,
    roleName: MEMBER_ROLE,
    trustedRoleArns: [identity.defaultCallerRoleArn],
  });
}

/** Answers every SendMessageBatch as SQS does when all entries are accepted, recording the bodies. */
export function acceptSendMessageBatch(sqs: AwsClientStub<SQSClient>, bodies: string[]): void {
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => {
    bodies.push(...input.Entries.map((entry) => entry.MessageBody));
    return {
      Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: '' })),
      Failed: [],
    };
  });
}

/** The SQS event a function's target queue delivers: one record per body, ids `target-<index>`. */
export function targetQueueEvent(queueName: string, bodies: readonly string[], sentAt: number) {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `target-${index}`,
      receiptHandle: `receipt-${index}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(sentAt),
        SenderId: 'AROAEXAMPLE',
        ApproximateFirstReceiveTimestamp: String(sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:${HUB}:${queueName}`,
      awsRegion: 'us-east-1',
    })),
  };
}
