import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { defineRoute, type Route } from './route';

/**
 * S3 GetObject of the world's buckets (model/s3.ts: owner and reader accounts, NoSuchKey,
 * NoSuchBucket, AccessDenied). The Body offers what the SDK's stream mixin offers
 * (transformToString, transformToByteArray) over the stored bytes.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
export const s3Routes: readonly Route[] = [
  defineRoute('s3', GetObjectCommand, 'GetObject', (input, context) => {
    const object = context.world.services.s3.getObject(
      context.accountId,
      input.Bucket ?? '',
      input.Key ?? '',
    );
    const bytes = new Uint8Array(object.body);
    const body = {
      transformToString: async (encoding?: string) => new TextDecoder(encoding ?? 'utf-8').decode(bytes),
      transformToByteArray: async () => new Uint8Array(bytes),
      destroy: () => undefined,
    };
    return {
      Body: body as unknown as GetObjectCommandOutput['Body'],
      ContentLength: bytes.byteLength,
      ContentType: object.contentType,
      ETag: object.etag,
      LastModified: new Date(object.lastModified),
      AcceptRanges: 'bytes',
    };
  }),
];
