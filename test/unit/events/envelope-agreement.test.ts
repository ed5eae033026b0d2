import {
  assertClaimsAgreeWithEnvelope,
  EnvelopeMismatchError,
  findMismatchedClaims,
} from '../../../shared/events/envelope-agreement';
import { UngovernedEventError } from '../../../shared/events/governed-scope';

const EVENT = {
  kind: 'AWS API Call via CloudTrail',
  id: 'ct-1',
  account: '333333333333',
  region: 'us-east-1',
};

describe('claims inside an event against its envelope', () => {
  it('accepts claims that name the envelope account and region', () => {
    expect(() =>
      assertClaimsAgreeWithEnvelope(EVENT, [
        { field: 'account', account: '333333333333' },
        { field: 'detail.awsRegion', region: 'us-east-1' },
        { field: 'detail.recipientAccountId', account: '333333333333' },
      ]),
    ).not.toThrow();
  });

  it('rejects a claim of another account as a forgery naming both accounts, an UngovernedEventError', () => {
    const claims = [
      { field: 'detail.recipientAccountId', account: '123456789012' },
      { field: 'detail.awsRegion', region: 'eu-west-1' },
    ];

    expect(() => assertClaimsAgreeWithEnvelope(EVENT, claims)).toThrow(EnvelopeMismatchError);
    expect(() => assertClaimsAgreeWithEnvelope(EVENT, claims)).toThrow(UngovernedEventError);
    expect(() => assertClaimsAgreeWithEnvelope(EVENT, claims)).toThrow(
      "forged AWS API Call via CloudTrail event ct-1: detail.recipientAccountId: account 123456789012 is not the event's account 333333333333; detail.awsRegion: region eu-west-1 is not the event's region us-east-1",
    );
  });

  it('lists the mismatches in the order given, each with what the envelope says', () => {
    expect(
      findMismatchedClaims({ account: '333333333333', region: 'us-east-1' }, [
        { field: 'a', account: '333333333333' },
        { field: 'b', account: '444444444444' },
        { field: 'c', region: 'us-east-1' },
      ]),
    ).toEqual([{ claim: { field: 'b', account: '444444444444' }, governed: ['333333333333'] }]);
  });
});
