import {
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsCommandOutput,
  type ECRClient,
  type ImageIdentifier,
} from '@aws-sdk/client-ecr';
import {
  type DescribeImageScanFindingsOutput,
  parseDescribeImageScanFindingsOutput,
  toImageScanResult,
} from '../findings/scan-findings-input';
import type {
  ScanFindingsRead as ImageScanRead,
  ImageScanRequest,
  ImageScanSource,
} from '../findings/scan-findings-service';
import { ecrClient } from './ecr-client';

/**
 * Reads one image's scan findings with DescribeImageScanFindings, every page (maxResults up to 1,000),
 * basic (`findings[]`) or enhanced (`enhancedFindings[]`), into the findings model. Read-only: the
 * function's role allows ecr:DescribeImageScanFindings and nothing that changes the registry.
 *
 * ECR's answers that are not a scan result are outcomes, not errors: ScanNotFoundException (the image
 * was never scanned, or scanning is off for it), ImageNotFoundException and
 * RepositoryNotFoundException (deleted since the event). A scan still running has status IN_PROGRESS
 * (basic) or PENDING (enhanced) and no findings yet.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageScanFindings.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageScanStatus.html
 */
export const DESCRIBE_IMAGE_SCAN_FINDINGS_MAX_RESULTS = 1000;

type NotFound = Exclude<ImageScanRead, { outcome: 'found' }>;

/** scanFindings' ImageScanSource; a found result also carries the pages as ECR returned them. */
export type ScanFindingsRead =
  | (Extract<ImageScanRead, { outcome: 'found' }> & { pages: DescribeImageScanFindingsOutput[] })
  | NotFound;

export interface ScanFindingsReader extends ImageScanSource {
  read(request: ImageScanRequest): Promise<ScanFindingsRead>;
}

// A Map, not an object literal: an error named like an Object property (`constructor`, `toString`)
// must be rethrown, not mistaken for "not found" and dropped.
const NOT_FOUND: ReadonlyMap<string, NotFound['outcome']> = new Map([
  ['ScanNotFoundException', 'scan-not-found'],
  ['ImageNotFoundException', 'image-not-found'],
  ['RepositoryNotFoundException', 'repository-not-found'],
]);

export function createScanFindingsReader(client: Pick<ECRClient, 'send'> = ecrClient): ScanFindingsReader {
  return {
    async read(request) {
      const pages: DescribeImageScanFindingsOutput[] = [];
      let nextToken: string | undefined;
      try {
        do {
          const page: DescribeImageScanFindingsCommandOutput = await client.send(
            new DescribeImageScanFindingsCommand({
              repositoryName: request.repositoryName,
              imageId: request.image as ImageIdentifier,
              ...(request.registryId === undefined ? {} : { registryId: request.registryId }),
              maxResults: DESCRIBE_IMAGE_SCAN_FINDINGS_MAX_RESULTS,
              nextToken,
            }),
          );
          const { $metadata: _metadata, ...output } = page;
          pages.push(parseDescribeImageScanFindingsOutput(output));
          nextToken = page.nextToken;
        } while (nextToken !== undefined);
      } catch (error) {
        const outcome = error instanceof Error ? NOT_FOUND.get(error.name) : undefined;
        if (outcome !== undefined) return { outcome, message: (error as Error).message };
        throw error;
      }
      const result = toImageScanResult(pages, {
        repositoryName: request.repositoryName,
        ...('imageDigest' in request.image ? { imageDigest: request.image.imageDigest } : {}),
        ...(request.imageTags === undefined ? {} : { imageTags: request.imageTags }),
      });
      return { outcome: 'found', result, pages };
    },
  };
}
