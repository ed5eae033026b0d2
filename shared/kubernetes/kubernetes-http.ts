import { Agent, request } from 'node:https';
import { createGunzip } from 'node:zlib';

/**
 * One GET to a Kubernetes API server over HTTPS, trusting only the cluster's CA (an EKS cluster's
 * `certificateAuthority.data`), with a bearer token; the connection is kept alive from page to page.
 * Returns the status and the parsed JSON body; network failures and timeouts reject.
 */
export interface KubernetesHttpResponse {
  status: number;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  body: unknown;
  /** Seconds a 429 asks the client to wait (Retry-After), when given. */
  retryAfterSeconds: number | undefined;
}

export interface KubernetesHttpTarget {
  /** `https://host[:port]`, as DescribeCluster returns it. */
  endpoint: string;
  agent: Agent;
  token: string;
  timeoutMs: number;
}

export class KubernetesRequestTimeout extends Error {
  override name = 'KubernetesRequestTimeout';
}

/** A keep-alive agent that trusts exactly the cluster's CA bundle (base64 PEM). */
export function createKubernetesAgent(caData: string): Agent {
  return new Agent({
    keepAlive: true,
    // One list runs at a time per collection; seven collections are read side by side.
    maxSockets: 8,
    ca: Buffer.from(caData, 'base64'),
  });
}

export function getKubernetesJson(
  target: KubernetesHttpTarget,
  pathAndQuery: string,
): Promise<KubernetesHttpResponse> {
  const url = new URL(pathAndQuery, target.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        agent: target.agent,
        headers: {
          accept: 'application/json',
          'accept-encoding': 'gzip',
          authorization: `Bearer ${target.token}`,
          'user-agent': 'ecr-warden',
        },
      },
      (res) => {
        const stream = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          const retryAfter = Number(res.headers['retry-after']);
          resolve({
            status: res.statusCode ?? 0,
            body,
            retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
          });
        });
      },
    );
    // The deadline covers the whole exchange, not only an idle socket: a server that trickles a
    // page must not hold the worker past its own timeout.
    const timer = setTimeout(() => {
      req.destroy(new KubernetesRequestTimeout(`no complete answer within ${target.timeoutMs} ms`));
    }, target.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}
