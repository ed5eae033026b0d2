import { EventValidationError } from '../../../shared/events/event-validation-error';
import {
  MalformedGovernanceMessageError,
  parseGovernanceMessage,
} from '../../../shared/notify/governance-message';
import { OBJECT_PROPERTY_NAMES } from '../../reliability/invalid-event';
import { loadEventFixture } from '../../support/fixtures';

/** The body of the FIFO fixture's record: a Vulnerability Alert envelope as EventBridge delivered it. */
function fixtureMessage() {
  const record = loadEventFixture<{ Records: { messageId: string; body: string }[] }>(
    'aws.sqs',
    'fifo-governance-event',
  ).Records[0];
  if (record === undefined) throw new Error('fixture has no record');
  return { messageId: record.messageId, body: record.body };
}

function withEnvelope(
  change: (envelope: Record<string, unknown> & { detail: Record<string, unknown> }) => void,
) {
  const message = fixtureMessage();
  const envelope = JSON.parse(message.body);
  change(envelope);
  return { ...message, body: JSON.stringify(envelope) };
}

function problemsOf(message: { messageId: string; body: string }): string {
  try {
    parseGovernanceMessage(message);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedGovernanceMessageError);
    expect(error).toBeInstanceOf(EventValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the message to be malformed');
}

describe('parseGovernanceMessage', () => {
  it('reads the EventBridge envelope of an SQS message body: event id, time, detail-type and detail', () => {
    const message = parseGovernanceMessage(fixtureMessage());

    expect(message.eventId).toBe('a1b2c3d4-0000-4000-8000-825715049480');
    expect(message.time).toBe('2026-11-01T06:00:00Z');
    expect(message.event.detailType).toBe('Vulnerability Alert');
    expect(message.event.detail).toMatchObject({ repositoryName: 'payments/api', severity: 'critical' });
  });

  it('names the queue message when the body is not JSON', () => {
    expect(problemsOf({ messageId: 'm-1', body: 'not json' })).toBe(
      'malformed governance event in queue message m-1: body: is not JSON',
    );
  });

  it('refuses an event from another source', () => {
    expect(problemsOf(withEnvelope((e) => (e.source = 'aws.ecr')))).toContain('source: must be "ecr-warden"');
  });

  it('refuses a detail-type it does not know, listing the known ones', () => {
    expect(problemsOf(withEnvelope((e) => (e['detail-type'] = 'Image Pushed')))).toContain(
      'detail-type: "Image Pushed" is not one of "Cleanup Report", "Tag Moved"',
    );
  });

  it.each(OBJECT_PROPERTY_NAMES)(
    'refuses the detail-type %j, an Object property name, as unknown',
    (name) => {
      expect(problemsOf(withEnvelope((e) => (e['detail-type'] = name)))).toContain(
        `detail-type: "${name}" is not one of`,
      );
    },
  );

  it('names each field of the detail that breaks its schema, with the event id', () => {
    const problems = problemsOf(
      withEnvelope((e) => {
        e.detail.severity = 'urgent';
        e.detail.imageDigest = 'sha256:short';
      }),
    );

    expect(problems).toMatch(
      /^malformed governance event a1b2c3d4-0000-4000-8000-825715049480 in queue message /,
    );
    expect(problems).toContain('detail.severity:');
    expect(problems).toContain('detail.imageDigest: must be a sha256 image digest');
  });

  it('refuses an unknown key in the detail (the schemas are strict)', () => {
    expect(problemsOf(withEnvelope((e) => (e.detail.surprise = true)))).toContain('detail: Unrecognized key');
  });
});
