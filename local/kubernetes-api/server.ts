import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  apiGroupListDocument,
  apiResourceListDocument,
  apiVersionsDocument,
  STAND_IN_RESOURCES,
  type StandInResource,
  versionDocument,
} from './discovery';
import { checkEksToken, type StandInCredentials } from './eks-token-check';
import { ObjectStore, type SeedObject, type StoredObject } from './object-store';
import { selfSignedCertificate } from './self-signed-certificate';

/**
 * A Kubernetes API stand-in for local mode and tests (there is no API server to install here):
 * HTTPS on 127.0.0.1 with a self-signed certificate, the read-only list endpoints of the in-use
 * collections with the API's chunking (`limit`, opaque `continue` tokens bound to the first page's
 * resourceVersion, tokens that expire into 410 Gone with the documented Status), the discovery
 * documents kubectl reads, and an EKS authenticator: every request needs a bearer token that is a
 * presigned STS GetCallerIdentity URL signed for this cluster (see eks-token-check.ts), else 401.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks
 */
export interface KubernetesApiStandInOptions {
  /** The EKS cluster name: the `x-k8s-aws-id` a token must be signed for. */
  clusterName: string;
  objects?: readonly SeedObject[];
  /** The IAM keys the stand-in's "STS" knows (default: STAND_IN_CREDENTIALS). */
  credentials?: readonly StandInCredentials[];
  /** The clock tokens are checked against (default Date.now). */
  now?: () => number;
  /** How long a continue token stays valid (default 5 minutes, the API server's default). */
  continueTtlMs?: number;
  /**
   * The authorizer (EKS access entries): whether the token's principal may list cluster-wide.
   * Default: everyone the authenticator accepts. Refused: 403 Forbidden.
   */
  authorize?: (principal: StandInCredentials) => boolean;
  /** Whether a 410 carries a token to continue an inconsistent list with (default true, as the API server). */
  offerInconsistentContinue?: boolean;
}

/** A fault for the requests whose path starts with `path` (default: every list and discovery request). */
export interface StandInFault {
  path?: string;
  /** Answer this HTTP status with a Status body (403, 429, 500, 503, …). */
  status?: number;
  /** Wait this long before answering (a slow or hanging server). */
  delayMs?: number;
  retryAfterSeconds?: number;
  /** The continue token of the request expires just before it is served (a 410 Gone). */
  expireContinue?: boolean;
  /** How many requests it applies to (default: all). */
  times?: number;
}

export interface StandInRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  status: number;
  /** Whether the answer was gzipped. */
  gzip: boolean;
}

/** The test-only IAM key pair the stand-in accepts by default. */
export const STAND_IN_CREDENTIALS: StandInCredentials = {
  accessKeyId: 'AKIAKUBERNETESSTANDIN',
  secretAccessKey: 'kubernetes-api-stand-in/secret/not-a-real-key',
  arn: 'arn:aws:iam::123456789012:role/ecr-warden-cleanup-worker',
};

interface ContinueState {
  resource: string;
  namespace: string | undefined;
  snapshot: readonly StoredObject[];
  resourceVersion: string;
  /** Index of the first item of the next page in `snapshot`. */
  start: number;
  issuedAt: number;
  expired: boolean;
}

export class KubernetesApiStandIn {
  readonly store: ObjectStore;
  readonly requests: StandInRequest[] = [];
  private readonly server: Server;
  private readonly continues = new Map<string, ContinueState>();
  private faults: Array<StandInFault & { remaining: number }> = [];
  private readonly now: () => number;
  private readonly certificate = selfSignedCertificate();

  constructor(private readonly options: KubernetesApiStandInOptions) {
    this.store = new ObjectStore(options.objects ?? []);
    this.now = options.now ?? Date.now;
    this.server = createServer({ cert: this.certificate.cert, key: this.certificate.key }, (req, res) => {
      const url = req.url ?? '/';
      this.answer(req.method ?? 'GET', url, req.headers.authorization).then(
        ({ status, body, headers }) => {
          const text = Buffer.from(JSON.stringify(body), 'utf8');
          // The API server gzips answers above 128 KiB when the client accepts gzip (kube-apiserver's
          // APIResponseCompression; defaultGzipThresholdBytes = 128 * 1024).
          const gzip =
            text.length > 128 * 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
          this.requests.push({ method: req.method ?? 'GET', url, status, gzip });
          res.writeHead(status, {
            'content-type': 'application/json',
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
            ...headers,
          });
          res.end(gzip ? gzipSync(text) : text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(statusBody(500, 'InternalError', String(error))));
        },
      );
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Base64 of the CA PEM, as DescribeCluster's `certificateAuthority.data`. */
  get caData(): string {
    return Buffer.from(this.certificate.cert, 'utf8').toString('base64');
  }

  /** The list pages served so far (GETs of a collection answered 200). */
  get listPages(): number {
    return this.requests.filter((r) => r.status === 200 && isListPath(r.url)).length;
  }

  inject(fault: StandInFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Every continue token issued so far answers 410 from now on (as if the server compacted past it). */
  expireContinueTokens(): void {
    for (const state of this.continues.values()) state.expired = true;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(
    method: string,
    rawUrl: string,
    authorization: string | undefined,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
    const check = checkEksToken(token, {
      clusterName: this.options.clusterName,
      credentials: this.options.credentials ?? [STAND_IN_CREDENTIALS],
      nowMs: this.now(),
    });
    // The API server answers a refused token with a bare Unauthorized Status, never the reason.
    if (!check.ok) return { status: 401, body: statusBody(401, 'Unauthorized', 'Unauthorized') };

    const url = new URL(rawUrl, 'https://127.0.0.1');
    const principal = (this.options.credentials ?? [STAND_IN_CREDENTIALS]).find(
      (c) => c.accessKeyId === check.accessKeyId,
    ) as StandInCredentials;
    if (this.options.authorize !== undefined && !this.options.authorize(principal)) {
      const resource = url.pathname.split('/').pop() ?? '';
      return {
        status: 403,
        body: statusBody(
          403,
          'Forbidden',
          `${resource} is forbidden: User "${principal.arn ?? principal.accessKeyId}" cannot list resource "${resource}" at the cluster scope`,
        ),
      };
    }
    const continueToken = url.searchParams.get('continue') ?? '';
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        url.pathname.startsWith(f.path ?? '/') &&
        (f.expireContinue !== true || continueToken !== ''),
    );
    if (fault !== undefined) {
      fault.remaining--;
      const state = this.continues.get(continueToken);
      if (fault.expireContinue === true && state !== undefined) state.expired = true;
      if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status !== undefined) {
        return {
          status: fault.status,
          body: statusBody(
            fault.status,
            REASONS[fault.status] ?? 'InternalError',
            `injected ${fault.status}`,
          ),
          ...(fault.retryAfterSeconds === undefined
            ? {}
            : { headers: { 'retry-after': String(fault.retryAfterSeconds) } }),
        };
      }
    }
    if (method !== 'GET') {
      return { status: 405, body: statusBody(405, 'MethodNotAllowed', 'the stand-in serves reads only') };
    }
    return this.route(url);
  }

  private route(url: URL): { status: number; body: unknown } {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/version') return { status: 200, body: versionDocument() };
    if (path === '/api') return { status: 200, body: apiVersionsDocument() };
    if (path === '/apis') return { status: 200, body: apiGroupListDocument() };
    const groupVersion = /^\/(?:api\/(v1)|apis\/([a-z0-9.-]+\/v[0-9a-z]+))$/.exec(path);
    if (groupVersion !== null) {
      const document = apiResourceListDocument((groupVersion[1] ?? groupVersion[2]) as string);
      if (document !== undefined) return { status: 200, body: document };
    }
    const list =
      /^\/(?:api\/(v1)|apis\/([a-z0-9.-]+\/v[0-9a-z]+))(?:\/namespaces\/([a-z0-9-]+))?\/([a-z]+)$/.exec(path);
    if (list !== null) {
      const version = (list[1] ?? list[2]) as string;
      const resource = STAND_IN_RESOURCES.find((r) => r.groupVersion === version && r.name === list[4]);
      if (resource !== undefined && (list[3] === undefined || resource.namespaced)) {
        return this.list(resource, list[3], url.searchParams);
      }
    }
    return {
      status: 404,
      body: statusBody(404, 'NotFound', 'the server could not find the requested resource'),
    };
  }

  private list(
    resource: StandInResource,
    namespace: string | undefined,
    query: URLSearchParams,
  ): { status: number; body: unknown } {
    if ((query.get('labelSelector') ?? '') !== '' || (query.get('fieldSelector') ?? '') !== '') {
      return { status: 400, body: statusBody(400, 'BadRequest', 'the stand-in does not filter by selector') };
    }
    const limit = Number(query.get('limit') ?? '0');
    if (!Number.isInteger(limit) || limit < 0) {
      return { status: 400, body: statusBody(400, 'BadRequest', `invalid limit ${query.get('limit')}`) };
    }
    const token = query.get('continue') ?? '';
    let state: ContinueState;
    if (token === '') {
      const all = this.store.collection(resource.name);
      state = {
        resource: resource.name,
        namespace,
        snapshot: namespace === undefined ? all : all.filter((stored) => stored.namespace === namespace),
        resourceVersion: this.store.resourceVersion,
        start: 0,
        issuedAt: this.now(),
        expired: false,
      };
    } else {
      const found = this.continues.get(token);
      if (found === undefined || found.resource !== resource.name || found.namespace !== namespace) {
        return { status: 400, body: statusBody(400, 'BadRequest', 'continue key is not valid') };
      }
      if (found.expired || this.now() - found.issuedAt > (this.options.continueTtlMs ?? 5 * 60_000)) {
        this.continues.delete(token);
        return { status: 410, body: this.expiredStatus(found) };
      }
      state = found;
    }
    const end = limit === 0 ? state.snapshot.length : Math.min(state.snapshot.length, state.start + limit);
    const items = state.snapshot.slice(state.start, end).map((stored) => stored.object);
    const metadata: Record<string, unknown> = { resourceVersion: state.resourceVersion };
    if (end < state.snapshot.length) {
      metadata.continue = this.issueContinue({ ...state, start: end });
      metadata.remainingItemCount = state.snapshot.length - end;
    }
    return {
      status: 200,
      body: { kind: `${resource.kind}List`, apiVersion: resource.groupVersion, metadata, items },
    };
  }

  private issueContinue(state: ContinueState): string {
    const token = randomBytes(24).toString('base64url');
    this.continues.set(token, state);
    return token;
  }

  /**
   * The API server's 410 for an expired continue token; it carries a token that continues the list
   * from the same key in the current data (an inconsistent list).
   */
  private expiredStatus(expired: ContinueState): unknown {
    const body = statusBody(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
    if (this.options.offerInconsistentContinue === false) return body;
    const lastKey = expired.snapshot[expired.start - 1]?.key ?? '';
    const current = this.store
      .collection(expired.resource)
      .filter((stored) => expired.namespace === undefined || stored.namespace === expired.namespace);
    const start = current.findIndex((stored) => stored.key > lastKey);
    const token = this.issueContinue({
      ...expired,
      snapshot: current,
      resourceVersion: this.store.resourceVersion,
      start: start === -1 ? current.length : start,
      issuedAt: this.now(),
      expired: false,
    });
    return { ...body, metadata: { continue: token } };
  }
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A Kubernetes `Status` object, as the API server answers errors. */
function statusBody(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const isListPath = (url: string) =>
  /\/(pods|deployments|replicasets|statefulsets|daemonsets|jobs|cronjobs)(\?|$)/.test(url);

export async function startKubernetesApiStandIn(
  options: KubernetesApiStandInOptions,
): Promise<KubernetesApiStandIn> {
  return new KubernetesApiStandIn(options).start();
}
