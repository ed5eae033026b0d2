import { createHash, createHmac } from 'node:crypto';

/**
 * What the EKS authenticator checks of a bearer token, played by the stand-in without STS:
 * the `k8s-aws-v1.` prefix, a base64url (unpadded) presigned STS GetCallerIdentity URL, SigV4 query
 * parameters with `host` and `x-k8s-aws-id` among the signed headers, an X-Amz-Date at most 15
 * minutes old, and (playing STS) a signature that verifies with the caller's secret key when the
 * `x-k8s-aws-id` header is this cluster's name. The signature is recomputed here with node:crypto,
 * independently of the @smithy signer that makes ecr-warden's tokens.
 * https://github.com/kubernetes-sigs/aws-iam-authenticator (pkg/token/token.go, Verify)
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
export interface StandInCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** The principal the token's GetCallerIdentity would name. */
  arn?: string;
}

export type TokenCheck = { ok: true; accessKeyId: string } | { ok: false; why: string };

const TOKEN_VALIDITY_MS = 15 * 60 * 1000;
// aws-iam-authenticator accepts STS hosts of the form sts.amazonaws.com and sts.<region>.amazonaws.com.
const STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

export function checkEksToken(
  token: string,
  options: { clusterName: string; credentials: readonly StandInCredentials[]; nowMs: number },
): TokenCheck {
  const prefix = 'k8s-aws-v1.';
  if (!token.startsWith(prefix)) return { ok: false, why: 'not a k8s-aws-v1. token' };
  const encoded = token.slice(prefix.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return { ok: false, why: 'not unpadded base64url' };
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'does not decode to a URL' };
  }
  if (url.protocol !== 'https:' || !STS_HOST.test(url.hostname) || url.pathname !== '/') {
    return { ok: false, why: `not an STS URL: ${url.origin}${url.pathname}` };
  }
  const q = url.searchParams;
  if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2011-06-15') {
    return { ok: false, why: 'not a GetCallerIdentity request' };
  }
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return { ok: false, why: 'not SigV4' };
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-k8s-aws-id')) {
    return { ok: false, why: 'x-k8s-aws-id is not a signed header' };
  }
  const date = q.get('X-Amz-Date') ?? '';
  const signedAt = Date.parse(
    date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (!Number.isFinite(signedAt)) return { ok: false, why: 'no X-Amz-Date' };
  if (options.nowMs - signedAt > TOKEN_VALIDITY_MS) return { ok: false, why: 'expired' };
  if (signedAt - options.nowMs > 5 * 60 * 1000) return { ok: false, why: 'signed in the future' };
  const [accessKeyId, scopeDate, region, service, terminator] = (q.get('X-Amz-Credential') ?? '').split('/');
  if (service !== 'sts' || terminator !== 'aws4_request' || scopeDate !== date.slice(0, 8)) {
    return { ok: false, why: 'bad credential scope' };
  }
  const credentials = options.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (credentials === undefined) return { ok: false, why: 'unknown access key' };

  const headerValues: Record<string, string> = { host: url.host, 'x-k8s-aws-id': options.clusterName };
  if (signedHeaders.some((name) => headerValues[name] === undefined)) {
    return { ok: false, why: 'signs a header the stand-in does not know' };
  }
  const canonicalQuery = [...q.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    ...signedHeaders.map((name) => `${name}:${headerValues[name]}`),
    '',
    signedHeaders.join(';'),
    EMPTY_BODY_SHA256,
  ].join('\n');
  const scope = `${scopeDate}/${region}/sts/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    date,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key: Buffer = Buffer.from(`AWS4${credentials.secretAccessKey}`, 'utf8');
  for (const part of [scopeDate, region ?? '', 'sts', 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (q.get('X-Amz-Signature') !== expected) {
    return { ok: false, why: 'signature does not verify for this cluster' };
  }
  return { ok: true, accessKeyId: credentials.accessKeyId };
}

const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
