import { EventValidationError } from '../../../shared/events/event-validation-error';
import {
  arnClaims,
  assertGoverned,
  envelopeClaims,
  findUngovernedClaims,
  ownScope,
  UngovernedEventError,
  withRegions,
} from '../../../shared/events/governed-scope';

const scope = ownScope({ account: '123456789012', region: 'us-east-1' });

describe('the governed scope', () => {
  it('governs exactly its own account and region', () => {
    expect(
      findUngovernedClaims(scope, [
        { field: 'account', account: '123456789012' },
        { field: 'region', region: 'us-east-1' },
      ]),
    ).toEqual([]);
    expect(
      findUngovernedClaims(scope, [
        { field: 'account', account: '999999999999' },
        { field: 'region', region: 'eu-west-1' },
      ]),
    ).toEqual([
      { claim: { field: 'account', account: '999999999999' }, governed: ['123456789012'] },
      { claim: { field: 'region', region: 'eu-west-1' }, governed: ['us-east-1'] },
    ]);
  });

  it('widens to forwarded regions without widening the accounts', () => {
    const forwarded = withRegions(scope, ['us-west-2']);

    expect(findUngovernedClaims(forwarded, [{ field: 'region', region: 'us-west-2' }])).toEqual([]);
    expect([...forwarded.accounts]).toEqual(['123456789012']);
    expect([...scope.regions]).toEqual(['us-east-1']);
  });

  it('rejects with an UngovernedEventError, an EventValidationError naming each claim and what is governed', () => {
    const rejection = () =>
      assertGoverned(scope, { kind: 'ECR Image Scan', id: 'e-1' }, [
        { field: 'account', account: '999999999999' },
        { field: 'region', region: 'us-east-1' },
        { field: 'detail.awsRegion', region: 'eu-west-1' },
      ]);

    expect(rejection).toThrow(UngovernedEventError);
    expect(rejection).toThrow(EventValidationError);
    expect(rejection).toThrow(
      'ungoverned ECR Image Scan event e-1: account: account 999999999999 is not governed here (123456789012); detail.awsRegion: region eu-west-1 is not governed here (us-east-1)',
    );
  });

  it('returns quietly when every claim is governed', () => {
    expect(() =>
      assertGoverned(scope, { kind: 'Scheduled Event', id: undefined }, envelopeClaims(scheduledEvent())),
    ).not.toThrow();
  });

  it('reads the region and account of every ARN in the envelope resources', () => {
    const event = {
      ...scheduledEvent(),
      resources: ['arn:aws:ecr:eu-west-1:999999999999:repository/team-a/api', 'not-an-arn'],
    };

    expect(envelopeClaims(event)).toEqual([
      { field: 'account', account: '123456789012' },
      { field: 'region', region: 'us-east-1' },
      { field: 'resources.0', region: 'eu-west-1' },
      { field: 'resources.0', account: '999999999999' },
    ]);
  });

  it('claims nothing an ARN leaves empty (global services have no region, S3 buckets no account)', () => {
    expect(arnClaims('r', 'arn:aws:iam::123456789012:role/x')).toEqual([
      { field: 'r', account: '123456789012' },
    ]);
    expect(arnClaims('r', 'arn:aws:s3:::bucket')).toEqual([]);
    expect(arnClaims('r', 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/a')).toEqual([
      { field: 'r', region: 'cn-north-1' },
      { field: 'r', account: '123456789012' },
    ]);
  });
});

function scheduledEvent() {
  return {
    account: '123456789012',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/ecr-warden-dev-schedule'],
  };
}
