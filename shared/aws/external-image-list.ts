import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { EcrWardenError } from '../errors';

// The client, for shared/aws/in-use-readers.ts: loading this module alone (a dynamic import) then
// bundles just the client and the commands used here, not the whole SDK package.
export { S3Client } from '@aws-sdk/client-s3';

/**
 * An external in-use list (`cleanup.protect.external`): one S3 object that another system writes
 * (GitOps, Helm releases, other clouds), read as text with its LastModified. The format and its
 * freshness (`generatedAt`, `maxAgeHours`) are the pure model's business (shared/inuse/); this
 * adapter only fetches, and fails with a typed error the in-use picture turns into a failed source.
 *
 * GetObject errors, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html: `NoSuchKey`
 * (404) when the key is missing and the caller may list the bucket; without s3:ListBucket S3 answers
 * a missing key with `AccessDenied` (403) instead, so AccessDenied says "missing, or not allowed".
 */

/** Larger than any list of image references a system would keep (about 50,000 references). */
export const DEFAULT_EXTERNAL_LIST_MAX_BYTES = 10 * 1024 * 1024;

export interface ExternalListLocation {
  bucket: string;
  key: string;
}

export interface ExternalListObject {
  text: string;
  lastModified: Date | undefined;
}

export class ExternalListReadError extends EcrWardenError {
  override name: string = 'ExternalListReadError';

  constructor(
    readonly location: ExternalListLocation,
    readonly reason: string,
    /** The AWS error name, when S3 answered one. */
    readonly errorName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`s3://${location.bucket}/${location.key}: ${reason}`, options);
  }
}

export class ExternalListNotFoundError extends ExternalListReadError {
  override name = 'ExternalListNotFoundError';
}

export class ExternalListAccessDeniedError extends ExternalListReadError {
  override name = 'ExternalListAccessDeniedError';
}

export class ExternalListTooLargeError extends ExternalListReadError {
  override name = 'ExternalListTooLargeError';
}

export async function readExternalList(
  s3: S3Client,
  location: ExternalListLocation,
  options: { maxBytes?: number } = {},
): Promise<ExternalListObject> {
  const maxBytes = options.maxBytes ?? DEFAULT_EXTERNAL_LIST_MAX_BYTES;
  let output: GetObjectCommandOutput;
  try {
    output = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  } catch (error) {
    throw classify(location, error);
  }
  if (output.ContentLength !== undefined && output.ContentLength > maxBytes) {
    // Not read: the body is dropped unread so the connection is released.
    (output.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new ExternalListTooLargeError(
      location,
      `the list is ${output.ContentLength} bytes, more than the ${maxBytes} bytes ecr-warden reads`,
      undefined,
    );
  }
  const text = (await output.Body?.transformToString()) ?? '';
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new ExternalListTooLargeError(
      location,
      `the list is more than the ${maxBytes} bytes ecr-warden reads`,
      undefined,
    );
  }
  return { text, lastModified: output.LastModified };
}

function classify(location: ExternalListLocation, error: unknown): ExternalListReadError {
  const name = (error as { name?: unknown }).name;
  const errorName = typeof name === 'string' ? name : undefined;
  if (errorName === 'NoSuchKey') {
    return new ExternalListNotFoundError(location, 'the object does not exist (NoSuchKey)', errorName, {
      cause: error,
    });
  }
  if (errorName === 'NoSuchBucket') {
    return new ExternalListNotFoundError(location, 'the bucket does not exist (NoSuchBucket)', errorName, {
      cause: error,
    });
  }
  if (errorName === 'AccessDenied') {
    return new ExternalListAccessDeniedError(
      location,
      'access denied (AccessDenied): the worker is not allowed s3:GetObject on it (or, without s3:ListBucket, the object does not exist)',
      errorName,
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new ExternalListReadError(
    location,
    `could not be read (${errorName ?? 'error'}): ${message}`,
    errorName,
    {
      cause: error,
    },
  );
}
