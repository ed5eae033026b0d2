import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEMBER_FORWARDED_EVENT_PATTERNS } from '../../../deploy/member-stack';
import { deliverMemberEvent, MalformedMemberEventError } from '../../../local/organization/hub-delivery';
import { ROOT } from '../../support/cli';

const MEMBER = '333333333333';

/** A fixture as it happens in the member account, in eu-west-1. */
function memberEvent(path: string): Record<string, unknown> {
  const event = JSON.parse(readFileSync(join(ROOT, 'test/events', path), 'utf8')) as Record<string, unknown>;
  return { ...event, account: MEMBER, region: 'eu-west-1' };
}

describe('deliverMemberEvent: what the hub bus receives from a member account', () => {
  it.each([
    ['aws.ecr/cloudtrail-create-repository.json', 'ForwardRepositoryChangesRule'],
    ['aws.ecr/cloudtrail-put-image-tag-mutability.json', 'ForwardRepositoryChangesRule'],
    ['aws.ecr/cloudtrail-set-repository-policy.json', 'ForwardRepositoryChangesRule'],
    ['aws.ecr/image-action-push.json', 'ForwardImagePushesRule'],
    ['aws.ecr/ecr-image-scan-basic.json', 'ForwardImageScansRule'],
    ['aws.ecr/ecr-replication-action-failed.json', 'ForwardReplicationActionsRule'],
    ['aws.inspector2/inspector2-scan.json', 'ForwardInspectorScansRule'],
    ['aws.inspector2/inspector2-finding.json', 'ForwardInspectorFindingsRule'],
  ])(
    'forwards %s through %s, envelope and detail unchanged (account and region the member’s)',
    (path, rule) => {
      const event = memberEvent(path);

      const delivered = deliverMemberEvent(event);

      expect(delivered?.forwardedBy).toBe(rule);
      expect(delivered?.event).toEqual(event);
      expect(delivered?.event).not.toBe(event);
      expect(delivered?.event).toMatchObject({ account: MEMBER, region: 'eu-west-1' });
    },
  );

  it.each([
    // A refused call (errorCode set) changed nothing: the repository guard's rule leaves it out.
    'aws.ecr/cloudtrail-put-image-tag-mutability-failed.json',
    'aws.events/scheduled-event.json',
    'ecr-warden/tag-moved.json',
  ])('does not forward %s: no forwarding rule matches it', (path) => {
    expect(deliverMemberEvent(memberEvent(path))).toBeUndefined();
  });

  it('reads the member template’s own patterns (one forwarding rule per key)', () => {
    expect(Object.keys(MEMBER_FORWARDED_EVENT_PATTERNS).sort()).toEqual([
      'ImagePushes',
      'ImageScans',
      'InspectorFindings',
      'InspectorScans',
      'ReplicationActions',
      'RepositoryChanges',
    ]);
  });

  it('refuses what is not an EventBridge event, naming the fields', () => {
    expect(() => deliverMemberEvent({ source: 'aws.ecr', account: 'me' })).toThrow(
      new MalformedMemberEventError(
        'not an EventBridge event: bad or missing id, detail-type, account, region, time, resources, detail',
      ),
    );
  });
});
