import {
  assertReplicationActionGoverned,
  parseReplicationActionEvent,
} from '../../../shared/events/ecr-replication-action';
import { EventValidationError } from '../../../shared/events/event-validation-error';
import { ownScope, UngovernedEventError } from '../../../shared/events/governed-scope';
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

describe('assertReplicationActionGoverned', () => {
  const scope = ownScope({ account: '123456789012', region: 'us-east-1' });

  it('accepts an event forwarded from a configured destination region, its source the governed one', () => {
    expect(() =>
      assertReplicationActionGoverned(parseReplicationActionEvent(fixture()), scope, ['us-west-2']),
    ).not.toThrow();
  });

  it('rejects the same event when its region is not a configured destination', () => {
    const event = parseReplicationActionEvent(fixture());

    expect(() => assertReplicationActionGoverned(event, scope, ['eu-west-1'])).toThrow(
      'region: region us-west-2 is not governed here (eu-west-1, us-east-1)',
    );
  });

  it('never accepts a destination region as the source', () => {
    const event = fixture();
    event.detail['source-region'] = 'us-west-2';

    expect(() =>
      assertReplicationActionGoverned(parseReplicationActionEvent(event), scope, ['us-west-2']),
    ).toThrow(
      new UngovernedEventError('ECR Replication Action', '9c4e2a71-0b3d-4f6e-8a15-2d7c9e3b4f80', [
        { claim: { field: 'detail.source-region', region: 'us-west-2' }, governed: ['us-east-1'] },
      ]),
    );
  });
});
