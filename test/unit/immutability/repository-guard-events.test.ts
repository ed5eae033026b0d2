import { EventValidationError } from '../../../shared/events/event-validation-error';
import { findUngovernedClaims, ownScope } from '../../../shared/events/governed-scope';
import {
  parseRepositoryGuardEvent,
  repositoryGuardEventClaims,
} from '../../../shared/events/repository-guard-events';
import { decideTagObservation } from '../../../shared/immutability/tag-ledger';
import { loadEventFixture } from '../../support/fixtures';

describe('parseRepositoryGuardEvent', () => {
  it.each([
    ['aws.ecr', 'cloudtrail-create-repository', 'api-call'],
    ['aws.ecr', 'cloudtrail-put-image-tag-mutability', 'api-call'],
    ['aws.ecr', 'cloudtrail-put-image-tag-mutability-by-guard', 'api-call'],
    ['aws.ecr', 'cloudtrail-put-image-tag-mutability-failed', 'api-call'],
    ['aws.ecr', 'cloudtrail-set-repository-policy', 'api-call'],
    ['aws.ecr', 'cloudtrail-delete-lifecycle-policy', 'api-call'],
    ['aws.ecr', 'cloudtrail-put-registry-scanning-configuration', 'api-call'],
    ['aws.ecr', 'image-action-push', 'image-action'],
    ['aws.events', 'repository-guard-scheduled-event', 'schedule'],
  ])('reads the documented %s fixture %s as %s', (source, name, kind) => {
    expect(parseRepositoryGuardEvent(loadEventFixture(source, name)).kind).toBe(kind);
  });

  it('normalises times to ISO 8601 with milliseconds, so that the ledger compares them as strings', () => {
    const parsed = parseRepositoryGuardEvent(loadEventFixture('aws.ecr', 'image-action-push'));

    expect(parsed.event.time).toBe('2026-10-29T00:00:00.000Z');
  });

  it('names every problem of a malformed PUSH event', () => {
    const event = loadEventFixture<{ detail: Record<string, unknown> }>('aws.ecr', 'image-action-push');
    event.detail['image-digest'] = 'latest';
    delete event.detail['repository-name'];

    expect(() => parseRepositoryGuardEvent(event)).toThrow(
      new EventValidationError('ECR Image Action', '13cde686-328b-6117-af20-0e5566167482', [
        'detail.repository-name: Invalid input: expected string, received undefined',
        'detail.image-digest: must be a sha256 image digest',
      ]),
    );
  });

  it('refuses an event of another source posing as a CloudTrail record', () => {
    const event = loadEventFixture<Record<string, unknown>>('aws.ecr', 'cloudtrail-create-repository');
    (event.detail as Record<string, unknown>).eventSource = 'ecs.amazonaws.com';

    expect(() => parseRepositoryGuardEvent(event)).toThrow(/detail\.eventSource/);
  });
});

describe('repositoryGuardEventClaims', () => {
  const scope = ownScope({ account: '123456789012', region: 'us-east-1' });

  it.each([
    ['aws.ecr', 'cloudtrail-create-repository'],
    ['aws.ecr', 'image-action-push'],
    ['aws.events', 'repository-guard-scheduled-event'],
  ])('finds the documented %s fixture %s within its own account and region', (source, name) => {
    const claims = repositoryGuardEventClaims(parseRepositoryGuardEvent(loadEventFixture(source, name)));

    expect(findUngovernedClaims(scope, claims)).toEqual([]);
  });

  it("checks a CloudTrail record's awsRegion and recipientAccountId, not only its envelope", () => {
    const event = loadEventFixture<{ detail: Record<string, unknown> }>(
      'aws.ecr',
      'cloudtrail-create-repository',
    );
    event.detail.awsRegion = 'eu-west-1';
    event.detail.recipientAccountId = '999999999999';

    const claims = repositoryGuardEventClaims(parseRepositoryGuardEvent(event));

    expect(findUngovernedClaims(scope, claims).map(({ claim }) => claim)).toEqual([
      { field: 'detail.awsRegion', region: 'eu-west-1' },
      { field: 'detail.recipientAccountId', account: '999999999999' },
    ]);
  });
});

describe('decideTagObservation (events are ordered by their own time, never by arrival)', () => {
  const head = { digest: 'sha256:a', observedAt: '2026-10-02T00:00:00.000Z' };

  it.each([
    [undefined, 'sha256:b', '2026-10-01T00:00:00.000Z', 'new'],
    [head, 'sha256:a', '2026-10-05T00:00:00.000Z', 'unchanged'],
    [head, 'sha256:a', '2026-09-01T00:00:00.000Z', 'unchanged'],
    [head, 'sha256:b', '2026-10-03T00:00:00.000Z', 'moved'],
    [head, 'sha256:b', '2026-10-01T00:00:00.000Z', 'late'],
    [head, 'sha256:b', '2026-10-02T00:00:00.000Z', 'tie'],
  ] as const)('head %j, observation %s at %s: %s', (current, digest, observedAt, decision) => {
    expect(decideTagObservation(current, { digest, observedAt })).toBe(decision);
  });
});
