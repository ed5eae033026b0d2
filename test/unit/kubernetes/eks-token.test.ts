import { checkEksToken } from '../../../local/kubernetes-api/eks-token-check';
import { createEksToken, presignedUrlOfEksToken } from '../../../shared/aws/eks-token';

// AWS's documentation example key pair; never valid.
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const NOW = new Date('2026-11-01T12:00:00Z');

describe('createEksToken', () => {
  it('is k8s-aws-v1. and the unpadded base64url of a presigned STS GetCallerIdentity URL', async () => {
    const { token, expiresAt } = await createEksToken({
      clusterName: 'prod-eks',
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      now: NOW,
    });

    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261101/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20261101T120000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(expiresAt.toISOString()).toBe('2026-11-01T12:15:00.000Z');
  });

  it('signs x-k8s-aws-id for its cluster: an independent SigV4 check accepts it for that cluster only', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod-eks',
      region: 'us-east-1',
      credentials: CREDENTIALS,
      now: NOW,
    });
    const check = (clusterName: string) =>
      checkEksToken(token, { clusterName, credentials: [CREDENTIALS], nowMs: NOW.getTime() + 60_000 });

    expect(check('prod-eks')).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
    expect(check('staging-eks')).toEqual({ ok: false, why: 'signature does not verify for this cluster' });
  });

  it('is the same token for the same credentials, cluster and clock', async () => {
    const input = { clusterName: 'prod-eks', region: 'us-east-1', credentials: CREDENTIALS, now: NOW };

    const [first, second] = await Promise.all([createEksToken(input), createEksToken(input)]);

    expect(first.token).toBe(second.token);
  });

  it('carries a session token in X-Amz-Security-Token, signed with the rest', async () => {
    const credentials = { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzE+/session=' };

    const { token } = await createEksToken({
      clusterName: 'prod-eks',
      region: 'us-east-1',
      credentials,
      now: NOW,
    });

    expect(presignedUrlOfEksToken(token)?.searchParams.get('X-Amz-Security-Token')).toBe(
      'FwoGZXIvYXdzE+/session=',
    );
    expect(
      checkEksToken(token, { clusterName: 'prod-eks', credentials: [CREDENTIALS], nowMs: NOW.getTime() }),
    ).toEqual({ ok: true, accessKeyId: 'AKIDEXAMPLE' });
  });

  it('is refused 15 minutes after it was signed', async () => {
    const { token } = await createEksToken({
      clusterName: 'prod-eks',
      region: 'us-east-1',
      credentials: CREDENTIALS,
      now: NOW,
    });

    const check = checkEksToken(token, {
      clusterName: 'prod-eks',
      credentials: [CREDENTIALS],
      nowMs: NOW.getTime() + 15 * 60_000 + 1,
    });

    expect(check).toEqual({ ok: false, why: 'expired' });
  });
});

describe('presignedUrlOfEksToken', () => {
  it('is undefined for what is not an EKS token', () => {
    expect(presignedUrlOfEksToken('eyJhbGciOiJSUzI1NiJ9.x.y')).toBeUndefined();
    expect(presignedUrlOfEksToken('k8s-aws-v1.bm90IGEgdXJs')).toBeUndefined();
    expect(presignedUrlOfEksToken('k8s-aws-v1.aGVsbG8=')).toBeUndefined();
  });
});
