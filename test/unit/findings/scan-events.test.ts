import { EventValidationError } from '../../../shared/events/event-validation-error';
import { findUngovernedClaims, ownScope } from '../../../shared/events/governed-scope';
import {
  parseRepositoryArn,
  parseScanFindingsEvent,
  scanFindingsEventClaims,
} from '../../../shared/events/scan-events';
import { fromEnhancedFinding } from '../../../shared/findings/scan-findings-input';
import type { Fixture } from '../../integration/findings/findings-harness';
import { loadEventFixture } from '../../support/fixtures';

describe('parseScanFindingsEvent', () => {
  it('reads a basic scan event whose zero severity counts are left out', () => {
    const parsed = parseScanFindingsEvent(loadEventFixture('aws.ecr', 'ecr-image-scan-basic'));

    expect(parsed.kind).toBe('ecr-image-scan');
    expect(parsed.kind === 'ecr-image-scan' && parsed.event.detail['finding-severity-counts']).toEqual({
      CRITICAL: 1,
      HIGH: 2,
      MEDIUM: 1,
    });
  });

  it('reads an untagged image, and a scan event without counts or tags', () => {
    const untagged = parseScanFindingsEvent(loadEventFixture('aws.ecr', 'ecr-image-scan-untagged'));
    const failed = parseScanFindingsEvent(loadEventFixture('aws.ecr', 'ecr-image-scan-failed'));

    expect(untagged.kind === 'ecr-image-scan' && untagged.event.detail['image-tags']).toEqual([]);
    expect(failed.kind === 'ecr-image-scan' && failed.event.detail['finding-severity-counts']).toEqual({});
  });

  it('reads an Inspector2 Scan whose repository-name is the repository ARN', () => {
    const parsed = parseScanFindingsEvent(loadEventFixture('aws.inspector2', 'inspector2-scan'));

    expect(parsed.kind).toBe('inspector-scan');
    expect(
      parsed.kind === 'inspector-scan' && parseRepositoryArn(parsed.event.detail['repository-name']),
    ).toEqual({
      region: 'us-east-1',
      accountId: '123456789012',
      repositoryName: 'team-a/api',
    });
  });

  it('rejects an Inspector2 Scan whose repository-name is a plain name, saying it must be the ARN', () => {
    const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-scan');
    event.detail['repository-name'] = 'team-a/api';

    expect(() => parseScanFindingsEvent(event)).toThrow(
      /malformed Inspector2 Scan event 739c0d3c-4f02-85c7-5a88-94a9e1f2a3b4: detail\.repository-name: must be the repository ARN/,
    );
  });

  it.each(['inspector2-finding', 'inspector2-finding-java-date'])(
    'reads the non-ISO timestamps of %s into the model',
    (name) => {
      const parsed = parseScanFindingsEvent(loadEventFixture('aws.inspector2', name));
      if (parsed.kind !== 'inspector-finding') throw new Error('expected a finding event');

      const finding = fromEnhancedFinding(parsed.event.detail);

      expect(finding.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(finding.fixAvailable).toBe('YES');
    },
  );

  it('reads the Java Date.toString timestamps exactly, milliseconds included', () => {
    const parsed = parseScanFindingsEvent(loadEventFixture('aws.inspector2', 'inspector2-finding-java-date'));
    if (parsed.kind !== 'inspector-finding') throw new Error('expected a finding event');

    expect(fromEnhancedFinding(parsed.event.detail)).toMatchObject({
      vulnerabilityId: 'CVE-2026-31337',
      severity: 'CRITICAL',
      score: 9.8,
      epssScore: 0.94123,
      exploitAvailable: true,
      firstObservedAt: '2026-05-29T09:14:55.007Z',
      updatedAt: '2026-06-01T11:58:02.411Z',
    });
  });

  it('rejects every problem of a malformed event at once, as an EventValidationError with the event id', () => {
    const event = loadEventFixture<Fixture>('aws.ecr', 'ecr-image-scan-basic');
    event.detail['image-digest'] = 'latest';
    delete event.detail['repository-name'];

    let error: unknown;
    try {
      parseScanFindingsEvent(event);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).eventId).toBe('85fc3613-e913-7fc4-a80c-a3753e4aa9ae');
    expect((error as EventValidationError).problems).toEqual([
      'detail.repository-name: Invalid input: expected string, received undefined',
      'detail.image-digest: must be a sha256 image digest',
    ]);
  });

  it('rejects an event of a detail-type the function does not handle', () => {
    expect(() => parseScanFindingsEvent({ id: 'x', 'detail-type': 'ECR Image Action' })).toThrow(
      /detail-type: expected "ECR Image Scan", "Inspector2 Scan", "Inspector2 Finding" or "Scheduled Event", got "ECR Image Action"/,
    );
  });
});

describe('scanFindingsEventClaims', () => {
  const scope = ownScope({ account: '123456789012', region: 'us-east-1' });
  const ungoverned = (event: unknown) =>
    findUngovernedClaims(scope, scanFindingsEventClaims(parseScanFindingsEvent(event))).map(
      ({ claim }) => claim,
    );

  it.each([
    ['aws.ecr', 'ecr-image-scan-basic'],
    ['aws.inspector2', 'inspector2-scan'],
    ['aws.inspector2', 'inspector2-finding'],
    ['aws.events', 'scheduled-event'],
  ])('finds the documented %s fixture %s within its own account and region', (source, name) => {
    expect(ungoverned(loadEventFixture(source, name))).toEqual([]);
  });

  it("checks the registry an Inspector2 Scan's repository ARN names", () => {
    const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-scan');
    event.detail['repository-name'] = 'arn:aws:ecr:eu-west-1:999999999999:repository/team-a/api';

    expect(ungoverned(event)).toEqual([
      { field: 'detail.repository-name', region: 'eu-west-1' },
      { field: 'detail.repository-name', account: '999999999999' },
    ]);
  });

  it("checks an Inspector2 Finding's awsAccountId and the image's registry", () => {
    const event = loadEventFixture<Fixture>('aws.inspector2', 'inspector2-finding');
    event.detail.awsAccountId = '999999999999';
    const [resource] = event.detail.resources as {
      details: { awsEcrContainerImage: Record<string, unknown> };
    }[];
    if (resource === undefined) throw new Error('fixture has no resource');
    resource.details.awsEcrContainerImage.registry = '999999999998';

    expect(ungoverned(event)).toEqual([
      { field: 'detail.awsAccountId', account: '999999999999' },
      { field: 'detail.resources.0.details.awsEcrContainerImage.registry', account: '999999999998' },
    ]);
  });
});
