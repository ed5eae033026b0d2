import { EventValidationError } from '../../../shared/events/event-validation-error';
import { buildTargetMessage, parseTargetMessage } from '../../../shared/events/target-message';

const RUN_ID = '89d1a02d-5ec7-412e-82f5-13505f849b41';

function record(body: unknown, messageId = 'msg-1') {
  return { messageId, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

describe('target messages', () => {
  it('round-trips the message the schedule builds for one account and region', () => {
    const message = buildTargetMessage(
      'repository-guard',
      { account: '333333333333', region: 'eu-west-1' },
      RUN_ID,
    );

    expect(parseTargetMessage(record(message), 'repository-guard')).toEqual({
      schemaVersion: 1,
      work: 'repository-guard',
      account: '333333333333',
      region: 'eu-west-1',
      runId: RUN_ID,
    });
  });

  it('rejects a body that is not JSON with a typed error naming the message id', () => {
    expect(() => parseTargetMessage(record('{not json'), 'replication-audit')).toThrow(EventValidationError);
    expect(() => parseTargetMessage(record('{not json', 'msg-7'), 'replication-audit')).toThrow(
      /^malformed replication-audit target message event msg-7: body is not JSON/,
    );
  });

  it('names every problem of a message that is not a target message', () => {
    const body = { schemaVersion: 2, work: 'cleanup', account: '3333', region: 'Europe', runId: '' };

    expect(() => parseTargetMessage(record(body), 'repository-guard')).toThrow(
      new EventValidationError('repository-guard target message', 'msg-1', [
        'schemaVersion: Invalid input: expected 1',
        'work: Invalid option: expected one of "repository-guard"|"replication-audit"|"vulnerability-digest"',
        'account: must be a 12-digit AWS account id',
        'region: must be an AWS region such as us-east-1',
        'runId: Too small: expected string to have >=1 characters',
      ]),
    );
  });

  it('rejects unknown fields: a message is a versioned contract', () => {
    const body = {
      ...buildTargetMessage('vulnerability-digest', { account: '333333333333', region: 'us-east-1' }, RUN_ID),
      extra: 1,
    };

    expect(() => parseTargetMessage(record(body), 'vulnerability-digest')).toThrow(
      /Unrecognized key: "extra"/,
    );
  });

  it('rejects a message of another work, so a message sent to the wrong queue does nothing', () => {
    const message = buildTargetMessage(
      'replication-audit',
      { account: '333333333333', region: 'us-east-1' },
      RUN_ID,
    );

    expect(() => parseTargetMessage(record(message), 'repository-guard')).toThrow(
      'malformed repository-guard target message event msg-1: work: "replication-audit" is not this function\'s work ("repository-guard")',
    );
  });

  it('rejects a runId longer than 256 characters, which would not fit a state key', () => {
    const message = buildTargetMessage(
      'repository-guard',
      { account: '333333333333', region: 'us-east-1' },
      'r'.repeat(257),
    );

    expect(() => parseTargetMessage(record(message), 'repository-guard')).toThrow(/runId: Too big/);
  });
});
