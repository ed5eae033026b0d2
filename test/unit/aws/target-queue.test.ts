import { queueTargets, TargetQueueingError } from '../../../shared/aws/target-queue';
import { requireTargetQueueUrl } from '../../../shared/config/environment';
import type { TargetMessage } from '../../../shared/events/target-message';

const TARGETS = ['333333333333', '444444444444'].map((id) => ({
  account: { id, parents: [] },
  region: 'us-east-1',
}));

describe('queueTargets', () => {
  it('queues one message per target of the run', async () => {
    const sent: TargetMessage[] = [];

    const result = await queueTargets(
      {
        sendAll: async (messages) => {
          sent.push(...messages);
          return [];
        },
      },
      'repository-guard',
      TARGETS,
      'run-1',
    );

    expect(result).toEqual({ targetsQueued: 2 });
    expect(
      sent.map((message) => `${message.work} ${message.account} ${message.region} ${message.runId}`),
    ).toEqual([
      'repository-guard 333333333333 us-east-1 run-1',
      'repository-guard 444444444444 us-east-1 run-1',
    ]);
  });

  it('fails the run naming every target that could not be queued', async () => {
    const failure = queueTargets(
      {
        sendAll: async (messages) =>
          messages.slice(1).map((message) => ({
            message,
            code: 'InternalError',
            reason: 'try again',
            senderFault: false,
            attempts: 5,
          })),
      },
      'replication-audit',
      TARGETS,
      'run-2',
    );

    await expect(failure).rejects.toBeInstanceOf(TargetQueueingError);
    await expect(failure).rejects.toThrow(
      '1 replication-audit target(s) of run run-2 could not be queued: 444444444444/us-east-1 (InternalError: try again)',
    );
  });
});

describe('requireTargetQueueUrl', () => {
  const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-prod-TagImmutabilityTargetQueue';

  it('is needed only by an organization hub', () => {
    expect(requireTargetQueueUrl({}, false)).toBeUndefined();
    expect(requireTargetQueueUrl({ TARGET_QUEUE_URL: URL }, true)).toBe(URL);
  });

  it('fails the cold start of a hub without one, naming the variable', () => {
    expect(() => requireTargetQueueUrl({}, true)).toThrow(
      'invalid Lambda environment: TARGET_QUEUE_URL is not set: an organization hub queues its scheduled work per account and region',
    );
  });
});
