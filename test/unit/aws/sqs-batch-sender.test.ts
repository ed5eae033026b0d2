import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createQueueSender, QueueSendError } from '../../../shared/aws/sqs-batch-sender';
import { acceptSendMessageBatch, partlySentBatch } from '../../support/send-message-batch-stub';

const sqs = mockClient(SQSClient);
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecr-warden-test-cleanup';

/** Answers each SendMessageBatch call with every entry successful. */
function acceptEverything() {
  sqs.on(SendMessageBatchCommand).callsFake(acceptSendMessageBatch);
}

function createSender(sleep: (ms: number) => Promise<void> = async () => undefined) {
  return createQueueSender<{ n: number }>({
    queueUrl,
    serialize: (message) => JSON.stringify(message),
    client: new SQSClient({ region: 'us-east-1' }),
    options: { sleep, random: () => 1, concurrency: 1 },
  });
}

const messages = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));
const sentBodies = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .map((call) => call.args[0].input.Entries?.map((entry) => entry.MessageBody));

beforeEach(() => {
  sqs.reset();
});

describe('createQueueSender', () => {
  it('sends 25 messages in 3 SendMessageBatch calls of at most 10 entries', async () => {
    acceptEverything();

    const undelivered = await createSender().sendAll(messages(25));

    expect(undelivered).toEqual([]);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls.every((call) => call.args[0].input.QueueUrl === queueUrl)).toBe(true);
    expect(calls[2]?.args[0].input.Entries?.[4]).toEqual({ Id: '4', MessageBody: '{"n":24}' });
  });

  it('resends only the entries SQS reported as failed, and succeeds when the retry does', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce(partlySentBatch(['0'], { 1: 'InternalError', 2: 'ServiceUnavailable' }))
      .resolvesOnce(partlySentBatch(['1', '2'], {}));
    const delays: number[] = [];

    const undelivered = await createSender(async (ms) => {
      delays.push(ms);
    }).sendAll(messages(3));

    expect(undelivered).toEqual([]);
    expect(sentBodies()).toEqual([
      ['{"n":0}', '{"n":1}', '{"n":2}'],
      ['{"n":1}', '{"n":2}'],
    ]);
    expect(delays).toHaveLength(1);
  });

  it('gives up on an entry that keeps failing after 5 attempts, backing off longer each time', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.filter(({ Id }) => Id !== '1').map(({ Id }) => ({
        Id,
        MessageId: Id,
        MD5OfMessageBody: 'x',
      })),
      Failed: input.Entries.filter(({ Id }) => Id === '1').map(({ Id }) => ({
        Id,
        Code: 'InternalError',
        Message: 'still failing',
        SenderFault: false,
      })),
    }));
    const delays: number[] = [];

    const undelivered = await createSender(async (ms) => {
      delays.push(ms);
    }).sendAll(messages(2));

    expect(undelivered).toEqual([
      { message: { n: 1 }, code: 'InternalError', reason: 'still failing', senderFault: false, attempts: 5 },
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(5);
    expect(delays).toEqual([100, 200, 400, 800]);
  });

  it('does not resend an entry that SQS rejected as the sender’s fault', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'InvalidMessageContents', Message: 'bad character', SenderFault: true }],
    });

    const undelivered = await createSender().sendAll(messages(1));

    expect(undelivered).toEqual([
      {
        message: { n: 0 },
        code: 'InvalidMessageContents',
        reason: 'bad character',
        senderFault: true,
        attempts: 1,
      },
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('counts an entry that the response does not mention as failed and resends it', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: 'x' }], Failed: [] })
      .resolves({ Successful: [{ Id: '1', MessageId: 'b', MD5OfMessageBody: 'x' }], Failed: [] });

    const undelivered = await createSender().sendAll(messages(2));

    expect(undelivered).toEqual([]);
    expect(sentBodies()).toEqual([['{"n":0}', '{"n":1}'], ['{"n":1}']]);
  });

  it('fails with a QueueSendError, keeping the cause, when a call fails as a whole', async () => {
    const denied = Object.assign(new Error('not authorized to perform sqs:SendMessage'), {
      name: 'AccessDenied',
    });
    sqs.on(SendMessageBatchCommand).rejects(denied);

    const sending = createSender().sendAll(messages(3));

    await expect(sending).rejects.toThrow(QueueSendError);
    await expect(sending).rejects.toMatchObject({ name: 'QueueSendError', cause: denied });
  });

  it('makes no call when there is nothing to send', async () => {
    acceptEverything();

    const undelivered = await createSender().sendAll([]);

    expect(undelivered).toEqual([]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
