import { analyzeRepositoryPolicy, describeGrant } from '../../../shared/immutability/repository-policy';

const OWN = '123456789012';
const PARTNER = '210987654321';

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const analyze = (text: string, allowedAccounts: string[] = []) =>
  analyzeRepositoryPolicy(text, { ownAccount: OWN, allowedAccounts });

describe('analyzeRepositoryPolicy', () => {
  it('reports a statement that lets everyone in, written "*" or {"AWS": "*"}', () => {
    const text = policy(
      { Sid: 'A', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' },
      { Sid: 'B', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['ecr:GetDownloadUrlForLayer'] },
    );

    expect(analyze(text).grants).toEqual([
      { statement: 'A', grantee: 'everyone', actions: ['ecr:BatchGetImage'] },
      { statement: 'B', grantee: 'everyone', actions: ['ecr:GetDownloadUrlForLayer'] },
    ]);
  });

  it('reports accounts outside the allow-list, as ids or IAM ARNs, and never the own account', () => {
    const text = policy({
      Sid: 'Pull',
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${PARTNER}:root`, '999988887777', `arn:aws:iam::${OWN}:role/ci`] },
      Action: ['ecr:BatchGetImage'],
    });

    expect(analyze(text, [PARTNER]).grants).toEqual([
      { statement: 'Pull', grantee: { account: '999988887777' }, actions: ['ecr:BatchGetImage'] },
    ]);
    expect(analyze(text, [PARTNER, '999988887777']).grants).toEqual([]);
  });

  it('treats Allow with NotPrincipal as everyone, and ignores Deny statements and service principals', () => {
    const text = policy(
      { Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 'ecr:*' },
      { Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository' },
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'ecr:BatchGetImage' },
    );

    expect(analyze(text).grants).toEqual([
      { statement: 'Statement[0]', grantee: 'everyone', actions: ['ecr:*'] },
    ]);
  });

  it('accepts "*" restricted to the organisation, and checks the accounts an aws:PrincipalAccount condition names', () => {
    const text = policy(
      {
        Sid: 'Org',
        Effect: 'Allow',
        Principal: '*',
        Action: 'ecr:BatchGetImage',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      },
      {
        Sid: 'Accounts',
        Effect: 'Allow',
        Principal: '*',
        Action: 'ecr:BatchGetImage',
        Condition: { StringEquals: { 'aws:PrincipalAccount': [PARTNER, '444455556666'] } },
      },
    );

    expect(analyze(text, [PARTNER]).grants).toEqual([
      { statement: 'Accounts', grantee: { account: '444455556666' }, actions: ['ecr:BatchGetImage'] },
    ]);
  });

  it('still reports "*" behind a condition that any account can meet (a source IP range)', () => {
    const text = policy({
      Sid: 'Office',
      Effect: 'Allow',
      Principal: '*',
      Action: 'ecr:BatchGetImage',
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    });

    expect(analyze(text).grants).toHaveLength(1);
  });

  it('says so when the text is not a policy', () => {
    expect(analyze('{"Statement":').unreadable).toMatch(/^not JSON: /);
  });

  it('describes a grant in one line', () => {
    expect(
      describeGrant({ statement: 'AnyonePulls', grantee: 'everyone', actions: ['ecr:BatchGetImage'] }),
    ).toBe('statement "AnyonePulls" lets everyone ("*") ecr:BatchGetImage');
  });
});
