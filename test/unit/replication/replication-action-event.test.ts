import { parseReplicationActionEvent } from '../../../shared/events/ecr-replication-action';
import { EventValidationError } from '../../../shared/events/event-validation-error';
import { loadEventFixture } from '../../support/fixtures';

const fixture = (name = 'ecr-replication-action-failed') =>
  loadEventFixture<Record<string, unknown> & { detail: Record<string, unknown> }>('aws.ecr', name);

describe('parseReplicationActionEvent', () => {
  it('accepts the documented shape, with the destination in the envelope and the source in the detail', () => {
    const event = parseReplicationActionEvent(fixture());

    expect(event.region).toBe('us-west-2');
    expect(event.detail).toMatchObject({
      result: 'FAILED',
      'source-region': 'us-east-1',
      'image-tag': 'v3.2.0',
    });
  });

  it('accepts a replicated image without a tag', () => {
    expect(
      parseReplicationActionEvent(fixture('ecr-replication-action-untagged')).detail['image-tag'],
    ).toBeUndefined();
  });

  it('rejects a result other than SUCCESS or FAILED, naming the field and the event id', () => {
    const event = fixture();
    event.detail.result = 'FAILURE';

    expect(() => parseReplicationActionEvent(event)).toThrow(EventValidationError);
    expect(() => parseReplicationActionEvent(event)).toThrow(
      /malformed ECR Replication Action event 9c4e2a71-0b3d-4f6e-8a15-2d7c9e3b4f80: detail.result:/,
    );
  });

  it('lists every missing or malformed field at once', () => {
    const event = fixture();
    delete event.detail['source-region'];
    event.detail['image-digest'] = 'latest';

    let error: unknown;
    try {
      parseReplicationActionEvent(event);
    } catch (caught) {
      error = caught;
    }

    expect((error as EventValidationError).problems).toEqual([
      expect.stringMatching(/^detail.image-digest: must be a sha256 image digest/),
      expect.stringMatching(/^detail.source-region: /),
    ]);
  });
});
