import { EcrWardenError } from '../errors';

/**
 * A Kubernetes API read that did not succeed: the API answered an error status (401 token refused,
 * 403 not authorized by the access entry, 404, 5xx after retries), a continue token expired too
 * often, the request timed out or the connection failed, or the answer was not a list. The
 * in-use source that meets it fails closed and names the cluster, the path and this message.
 */
export class KubernetesApiError extends EcrWardenError {
  override name = 'KubernetesApiError';
  /** The HTTP status, when the API answered one. */
  readonly status: number | undefined;
  /** The Kubernetes `Status.reason` (Unauthorized, Forbidden, NotFound, Expired, …), when given. */
  readonly reason: string | undefined;
  readonly cluster: string;
  /** The request path and query that failed. */
  readonly path: string;

  constructor(
    details: { cluster: string; path: string; status?: number | undefined; reason?: string | undefined },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Kubernetes API of cluster ${details.cluster}: GET ${details.path}: ${message}`, options);
    this.cluster = details.cluster;
    this.path = details.path;
    this.status = details.status;
    this.reason = details.reason;
  }
}
