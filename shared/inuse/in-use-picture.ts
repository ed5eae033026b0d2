import type { ImageUse } from '../cleanup/workload-images';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';
import { EcrWardenError } from '../errors';

/**
 * The in-use picture of a live run: every place a workload may run an image of the registry (ECS and
 * Lambda here and in workload accounts, Kubernetes clusters, Batch, App Runner, Inspector, external
 * lists), each read as one source. Every source is read once, a few at a time; a source that fails is
 * recorded with why, and the others still count. Whoever reads the picture decides what a failure
 * means: cleanup deletes nothing while any source failed (fail closed: an image only that source
 * could have shown in use must not be taken for unused).
 *
 * Source names (i14-interfaces.md): `ecs:<account>/<region>`, `lambda:<account>/<region>`,
 * `kubernetes:<cluster>` (`<cluster>@<account>/<region>` when not local), `account:<account>/<region>`
 * (the role could not be assumed), `batch:…`, `app-runner:…`, `external:<source>`, `inspector:…`.
 */
export interface InUseSource {
  name: string;
  read(): Promise<{ uses: ImageUse[]; warnings: string[] }>;
}

/** A source that could not be read: nothing it would have shown is known. */
export interface InUseSourceFailure {
  source: string;
  /** One line, safe to publish: the error's name, HTTP status and message, credentials removed. */
  reason: string;
  errorName?: string;
}

export interface InUsePicture {
  uses: ImageUse[];
  /** Warnings of the sources that were read, each prefixed with its source's name. */
  warnings: string[];
  /** Sources that could not be read, in the order of `sources`. */
  failures: InUseSourceFailure[];
}

export interface ReadInUsePictureOptions {
  /** Sources read at once (each source bounds its own API rate inside). */
  concurrency: number;
  /** A source that has not answered after this long counts as failed (default: no limit of its own). */
  timeoutMs?: number;
}

/**
 * A source's failure that names another source: a workload account's role that cannot be assumed
 * fails every source of that account as `account:<account>/<region>`, once; a cluster of `all` fails
 * as that cluster.
 */
export class InUseSourceError extends EcrWardenError {
  override name = 'InUseSourceError';

  constructor(
    readonly source: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A source that took longer than `timeoutMs`. */
export class InUseSourceTimeoutError extends EcrWardenError {
  override name = 'InUseSourceTimeoutError';
}

export async function readInUsePicture(
  sources: readonly InUseSource[],
  options: ReadInUsePictureOptions,
): Promise<InUsePicture> {
  type Outcome =
    | { source: InUseSource; read: { uses: ImageUse[]; warnings: string[] } }
    | { source: InUseSource; failure: InUseSourceFailure };
  const outcomes = await mapWithConcurrency(
    sources,
    Math.max(1, options.concurrency),
    async (source): Promise<Outcome> => {
      try {
        return { source, read: await withTimeout(source, options.timeoutMs) };
      } catch (error) {
        return { source, failure: describeSourceFailure(source.name, error) };
      }
    },
  );
  const picture: InUsePicture = { uses: [], warnings: [], failures: [] };
  const failed = new Set<string>();
  for (const outcome of outcomes) {
    if ('failure' in outcome) {
      // The sources of one account share its role: its failure is listed once.
      const key = `${outcome.failure.source}\n${outcome.failure.reason}`;
      if (!failed.has(key)) picture.failures.push(outcome.failure);
      failed.add(key);
      continue;
    }
    for (const use of outcome.read.uses) picture.uses.push(use);
    for (const warning of outcome.read.warnings) picture.warnings.push(`${outcome.source.name}: ${warning}`);
  }
  return picture;
}

async function withTimeout(
  source: InUseSource,
  timeoutMs: number | undefined,
): Promise<{ uses: ImageUse[]; warnings: string[] }> {
  if (timeoutMs === undefined) return source.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new InUseSourceTimeoutError(`no answer after ${formatDuration(timeoutMs)}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([source.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

const MAX_REASON_LENGTH = 300;

// What an error message may carry that must never reach a report, a log or Slack: an EKS bearer token
// (`k8s-aws-v1.` + a base64url presigned URL: https://docs.aws.amazon.com/eks/latest/userguide/cluster-auth.html),
// the signature, credential and session token of a presigned URL (SigV4 query parameters:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), an access key id
// (AKIA/ASIA + 16), and an Authorization header.
const SECRETS: readonly [RegExp, string][] = [
  [/k8s-aws-v1\.[A-Za-z0-9_-]+/g, 'k8s-aws-v1.<redacted>'],
  [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, '$1<redacted>'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '<redacted access key>'],
  [/(Bearer\s+)[^\s"']+/gi, '$1<redacted>'],
];

/**
 * A source's error as one publishable line: `AccessDeniedException (HTTP 403): User: … is not
 * authorized …`. The SDK v3 puts the service's error code in `name` and the HTTP status in
 * `$metadata.httpStatusCode`; other errors give their name and message.
 */
export function describeSourceFailure(source: string, error: unknown): InUseSourceFailure {
  if (error instanceof InUseSourceError) {
    const cause = error.cause === undefined ? undefined : describeSourceFailure(error.source, error.cause);
    const reason = cause === undefined ? error.message : `${error.message}: ${cause.reason}`;
    const failure: InUseSourceFailure = { source: error.source, reason: bounded(redact(reason)) };
    const errorName = cause?.errorName ?? error.name;
    failure.errorName = errorName;
    return failure;
  }
  if (!(error instanceof Error)) {
    return { source, reason: bounded(redact(`read failed: ${String(error)}`)) };
  }
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const httpStatus = typeof status === 'number' ? ` (HTTP ${status})` : '';
  const message = error.message.trim().replace(/\s+/g, ' ');
  const reason = `${error.name}${httpStatus}${message === '' ? '' : `: ${message}`}`;
  return { source, reason: bounded(redact(reason)), errorName: error.name };
}

function redact(text: string): string {
  return SECRETS.reduce((sofar, [pattern, replacement]) => sofar.replace(pattern, replacement), text);
}

function bounded(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 3)}...`;
}
