import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The bearer token EKS accepts from an IAM principal, made as `aws eks get-token` (aws-cli
 * `customizations/eks/get_token.py`) and aws-iam-authenticator (`pkg/token/token.go`) make it:
 *
 * - a GET `https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15`,
 *   SigV4-presigned in its query string (service `sts`), `X-Amz-Expires=60`;
 * - the header `x-k8s-aws-id: <cluster name>` is among its signed headers, so that a token made for
 *   one cluster cannot be replayed against another;
 * - token = `k8s-aws-v1.` + base64url(url) without `=` padding.
 *
 * The API server (through the EKS authenticator) calls STS with that URL and header and maps the
 * returned ARN to a Kubernetes identity through the cluster's access entries. The authenticator
 * accepts a URL whose X-Amz-Date is at most 15 minutes old (aws-iam-authenticator: "tokens are
 * valid for 15 minutes"), whatever X-Amz-Expires says; callers re-make a token per read.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html
 * https://github.com/kubernetes-sigs/aws-iam-authenticator#api-authorization-from-outside-a-cluster
 */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
export const EKS_CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** The presigned URL's own lifetime, as aws-cli sets it. */
export const EKS_TOKEN_URL_EXPIRES_SECONDS = 60;
/** How long the authenticator accepts a token after its X-Amz-Date. */
export const EKS_TOKEN_VALIDITY_MS = 15 * 60 * 1000;

/** AWS credentials (the shape of the SDK's AwsCredentialIdentity). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface EksTokenInput {
  /** The cluster's name (not its ARN): the value of `x-k8s-aws-id`. */
  clusterName: string;
  /** The region of the STS endpoint that is presigned (the cluster's region). */
  region: string;
  credentials: SigningCredentials;
  /** The signing time (default: now). */
  now?: Date;
}

export interface EksToken {
  token: string;
  /** When the authenticator stops accepting it. */
  expiresAt: Date;
}

export async function createEksToken(input: EksTokenInput): Promise<EksToken> {
  const now = input.now ?? new Date();
  const hostname = `sts.${input.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'sts',
    region: input.region,
    credentials: input.credentials,
    // @smithy/hash-node's Hash takes the algorithm first, as the SDK's own clients bind it.
    sha256: Hash.bind(null, 'sha256'),
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, [EKS_CLUSTER_ID_HEADER]: input.clusterName },
  });
  const presigned = await signer.presign(request, {
    expiresIn: EKS_TOKEN_URL_EXPIRES_SECONDS,
    signingDate: now,
  });
  const url = `https://${hostname}/?${queryString(presigned.query ?? {})}`;
  return {
    token: `${EKS_TOKEN_PREFIX}${Buffer.from(url, 'utf8').toString('base64url')}`,
    expiresAt: new Date(now.getTime() + EKS_TOKEN_VALIDITY_MS),
  };
}

/** The presigned URL a token carries, or undefined when it is not an EKS token. */
export function presignedUrlOfEksToken(token: string): URL | undefined {
  if (!token.startsWith(EKS_TOKEN_PREFIX)) return undefined;
  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  try {
    return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

// SigV4's canonical encoding: RFC 3986 unreserved characters stay, everything else is %XX.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function queryString(query: Record<string, string | string[] | null>): string {
  const pairs: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    for (const one of Array.isArray(value) ? value : [value ?? ''])
      pairs.push(`${rfc3986(key)}=${rfc3986(one)}`);
  }
  return pairs.join('&');
}
