import type { Agent } from 'node:https';
import { backoffDelay, sleep } from '../aws/backoff';
import { KubernetesApiError } from './kubernetes-errors';
import { createKubernetesAgent, getKubernetesJson, type KubernetesHttpResponse } from './kubernetes-http';
import {
  IN_USE_RESOURCES,
  type KubernetesList,
  type KubernetesListItem,
  type KubernetesResource,
  kubernetesList,
  toInUseListItem,
} from './kubernetes-list';

/**
 * Reads every Pod, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job and CronJob of a cluster,
 * all namespaces, through the Kubernetes API, and returns them as kubectl's `v1` `List`.
 *
 * Paging, as the API documents "Retrieving large results sets in chunks"
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks):
 * each GET carries `limit=500` and the previous page's `metadata.continue`; the list is complete
 * when `metadata.continue` is empty. A continue token is only valid for a few minutes (about 5 by
 * default): past that the server answers 410 Gone (Status reason Expired). The API docs give two
 * ways on: restart the list without `continue` (a consistent list), or continue with the token
 * the 410 Status carries in `metadata.continue` (an "inconsistent" list: objects changed since the
 * first page may show). For in-use protection the second is as safe as a fresh list: each object
 * is listed under its namespace/name key exactly once, before or after it changed, and an object
 * created after the read started is a race every snapshot has. So: continue with the 410's token
 * when given; restart when not; give up after `maxExpiredContinues` expirations in one collection.
 */
export interface ReadClusterObjectsInput {
  /** The cluster's name or ARN, for errors and reasons. */
  cluster: string;
  /** `https://…` (DescribeCluster's `cluster.endpoint`). */
  endpoint: string;
  /** Base64 PEM of the cluster CA (`certificateAuthority.data`). */
  caData: string;
  /** The bearer token (an EKS token from shared/aws/eks-token.ts). */
  token: string;
  /** Items per page (default 500, as kubectl's --chunk-size). */
  pageSize?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Attempts per page, the first included, on 429, 5xx, timeouts and network errors (default 4). */
  maxAttempts?: number;
  /** 410 answers (expired continue tokens) tolerated per collection before giving up (default 3). */
  maxExpiredContinues?: number;
  /** Backoff between attempts (defaults: 200 ms doubling to 5 s, full jitter). */
  retry?: {
    baseDelayMs?: number;
    maxDelayMs?: number;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
  };
  /** An agent to reuse (default: a keep-alive agent trusting caData, closed when the read ends). */
  agent?: Agent;
  /** The collections to read (default: IN_USE_RESOURCES). */
  resources?: readonly KubernetesResource[];
}

export interface ClusterReadStats {
  /** GET requests sent, retries included. */
  requests: number;
  /** List pages received. */
  pages: number;
  retries: number;
  /** 410 answers (expired continue tokens). */
  expiredContinues: number;
  itemsByKind: Record<string, number>;
}

export interface ClusterReadResult {
  list: KubernetesList;
  stats: ClusterReadStats;
}

// kubectl's default --chunk-size; the API server caps nothing below it.
export const DEFAULT_KUBERNETES_PAGE_SIZE = 500;
// Retry-After may ask for long waits; a Lambda worker cannot wait minutes for one page.
const MAX_RETRY_AFTER_MS = 10_000;

export async function readClusterObjects(input: ReadClusterObjectsInput): Promise<KubernetesList> {
  return (await readClusterObjectsWithStats(input)).list;
}

export async function readClusterObjectsWithStats(
  input: ReadClusterObjectsInput,
): Promise<ClusterReadResult> {
  const ownAgent = input.agent === undefined;
  const agent = input.agent ?? createKubernetesAgent(input.caData);
  const stats: ClusterReadStats = { requests: 0, pages: 0, retries: 0, expiredContinues: 0, itemsByKind: {} };
  try {
    const resources = input.resources ?? IN_USE_RESOURCES;
    // The collections are independent: read them side by side, keep kubectl's order in the List.
    const perResource = await Promise.all(
      resources.map((resource) => listResource(input, agent, resource, stats)),
    );
    return { list: kubernetesList(perResource.flat()), stats };
  } finally {
    if (ownAgent) agent.destroy();
  }
}

async function listResource(
  input: ReadClusterObjectsInput,
  agent: Agent,
  resource: KubernetesResource,
  stats: ClusterReadStats,
): Promise<KubernetesListItem[]> {
  const pageSize = input.pageSize ?? DEFAULT_KUBERNETES_PAGE_SIZE;
  const maxExpired = input.maxExpiredContinues ?? 3;
  let items: KubernetesListItem[] = [];
  let continueToken = '';
  let expired = 0;
  for (;;) {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (continueToken !== '') query.set('continue', continueToken);
    const path = `${resource.path}?${query.toString()}`;
    const response = await getWithRetries(input, agent, path, stats);
    if (response.status === 410) {
      stats.expiredContinues++;
      expired++;
      // A 410 on a first page (no continue sent) is not an expired token: nothing to go on from.
      if (expired > maxExpired || continueToken === '') {
        throw apiError(input, path, response, `410 Gone: the continue token expired ${expired} time(s)`);
      }
      const offered = statusContinueToken(response.body);
      if (offered !== undefined) {
        continueToken = offered;
      } else {
        items = [];
        continueToken = '';
      }
      continue;
    }
    if (response.status !== 200) throw apiError(input, path, response, statusLine(response));
    const page = response.body as
      | { kind?: unknown; items?: unknown; metadata?: { continue?: unknown } }
      | undefined;
    if (page === undefined || !Array.isArray(page.items)) {
      throw apiError(input, path, response, 'the answer is not a Kubernetes list (no items array)');
    }
    stats.pages++;
    for (const object of page.items) items.push(toInUseListItem(resource, object));
    const next = page.metadata?.continue;
    if (typeof next !== 'string' || next === '') break;
    continueToken = next;
  }
  stats.itemsByKind[resource.kind] = (stats.itemsByKind[resource.kind] ?? 0) + items.length;
  return items;
}

/** Retries 429 (after Retry-After), 5xx, timeouts and network errors, within maxAttempts. */
async function getWithRetries(
  input: ReadClusterObjectsInput,
  agent: Agent,
  path: string,
  stats: ClusterReadStats,
): Promise<KubernetesHttpResponse> {
  const maxAttempts = input.maxAttempts ?? 4;
  const timing = {
    baseDelayMs: input.retry?.baseDelayMs ?? 200,
    maxDelayMs: input.retry?.maxDelayMs ?? 5_000,
    random: input.retry?.random ?? Math.random,
  };
  const wait = input.retry?.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    stats.requests++;
    let response: KubernetesHttpResponse | undefined;
    let failure: unknown;
    try {
      response = await getKubernetesJson(
        { endpoint: input.endpoint, agent, token: input.token, timeoutMs: input.timeoutMs ?? 10_000 },
        path,
      );
    } catch (error) {
      failure = error;
    }
    const retryable = response === undefined || response.status === 429 || response.status >= 500;
    if (!retryable && response !== undefined) return response;
    if (attempt >= maxAttempts) {
      if (response !== undefined) {
        throw apiError(input, path, response, `${statusLine(response)} (after ${attempt} attempts)`);
      }
      throw new KubernetesApiError(
        { cluster: input.cluster, path },
        `${(failure as Error | undefined)?.name === 'KubernetesRequestTimeout' ? 'timed out' : 'unreachable'}: ${errorMessage(failure)} (after ${attempt} attempts)`,
        { cause: failure },
      );
    }
    stats.retries++;
    const retryAfterMs =
      response?.status === 429 && response.retryAfterSeconds !== undefined
        ? Math.min(MAX_RETRY_AFTER_MS, response.retryAfterSeconds * 1000)
        : 0;
    await wait(Math.max(retryAfterMs, backoffDelay(attempt, timing)));
  }
}

function statusContinueToken(body: unknown): string | undefined {
  const token = (body as { metadata?: { continue?: unknown } } | undefined)?.metadata?.continue;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** A Kubernetes `Status` body: `{ kind: 'Status', status: 'Failure', message, reason, code }`. */
function statusOf(body: unknown): { message?: string; reason?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const { message, reason } = body as { message?: unknown; reason?: unknown };
  return {
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

const MEANING: Readonly<Record<number, string>> = {
  401: 'the token was refused (Unauthorized)',
  403: "the role's access entry does not allow this read (Forbidden; it needs AmazonEKSViewPolicy)",
  404: 'no such collection on this API server (NotFound)',
  429: 'throttled (TooManyRequests)',
};

function statusLine(response: KubernetesHttpResponse): string {
  const { message } = statusOf(response.body);
  const meaning = MEANING[response.status] ?? (response.status >= 500 ? 'server error' : 'unexpected answer');
  return `HTTP ${response.status}: ${meaning}${message === undefined ? '' : `: ${message}`}`;
}

function apiError(
  input: ReadClusterObjectsInput,
  path: string,
  response: KubernetesHttpResponse,
  message: string,
): KubernetesApiError {
  return new KubernetesApiError(
    { cluster: input.cluster, path, status: response.status, reason: statusOf(response.body).reason },
    message,
  );
}

// Not `instanceof Error`: errors from node's TLS layer may come from another realm (jest's sandbox).
const errorMessage = (error: unknown) => {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
};
