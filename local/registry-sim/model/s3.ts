import { serviceError } from './simulated-error';

/**
 * The slice of Amazon S3 that external in-use lists need: buckets (a global namespace, each owned by
 * an account), objects with their bytes and LastModified, and who may read them. The owner reads;
 * other accounts read only when the bucket names them (a bucket policy granting s3:GetObject).
 * Readers are assumed to hold s3:ListBucket, so a missing key answers NoSuchKey (404); without it S3
 * answers AccessDenied (403) — `listBucket: false` on the bucket simulates that.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
export interface S3Object {
  body: Uint8Array;
  lastModified: number;
  contentType: string;
  etag: string;
}

export interface S3Bucket {
  name: string;
  ownerAccountId: string;
  region: string;
  readerAccountIds: Set<string>;
  listBucket: boolean;
  objects: Map<string, S3Object>;
}

export class S3State {
  readonly buckets = new Map<string, S3Bucket>();

  createBucket(input: {
    name: string;
    ownerAccountId: string;
    region: string;
    readerAccountIds?: readonly string[];
    listBucket?: boolean;
  }): S3Bucket {
    if (this.buckets.has(input.name)) throw serviceError('BucketAlreadyExists', `${input.name} exists`);
    const bucket: S3Bucket = {
      name: input.name,
      ownerAccountId: input.ownerAccountId,
      region: input.region,
      readerAccountIds: new Set(input.readerAccountIds ?? []),
      listBucket: input.listBucket ?? true,
      objects: new Map(),
    };
    this.buckets.set(input.name, bucket);
    return bucket;
  }

  putObject(
    bucketName: string,
    key: string,
    body: string | Uint8Array,
    at: number,
    contentType = 'application/json',
  ): S3Object {
    const bucket = this.buckets.get(bucketName);
    if (bucket === undefined) throw serviceError('NoSuchBucket', 'The specified bucket does not exist');
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    let hash = 0;
    for (const byte of bytes) hash = (hash * 31 + byte) >>> 0;
    const object: S3Object = {
      body: bytes,
      lastModified: Math.floor(at / 1000) * 1000,
      contentType,
      etag: `"${hash.toString(16).padStart(32, '0')}"`,
    };
    bucket.objects.set(key, object);
    return object;
  }

  getObject(callerAccountId: string, bucketName: string, key: string): S3Object {
    const bucket = this.buckets.get(bucketName);
    if (bucket === undefined) throw serviceError('NoSuchBucket', 'The specified bucket does not exist');
    const mayRead = bucket.ownerAccountId === callerAccountId || bucket.readerAccountIds.has(callerAccountId);
    if (!mayRead) throw serviceError('AccessDenied', 'Access Denied');
    const object = bucket.objects.get(key);
    if (object === undefined) {
      if (!bucket.listBucket) throw serviceError('AccessDenied', 'Access Denied');
      throw serviceError('NoSuchKey', 'The specified key does not exist.', { Key: key });
    }
    return object;
  }
}
