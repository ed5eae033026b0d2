/**
 * The slice of Amazon Inspector that gives one more keep signal: the coverage of ECR images under
 * enhanced scanning, with `lastInUseAt` and `inUseCount` (ECS tasks and EKS pods Inspector saw
 * running the image). Per account and region, as ListCoverage answers for the caller's account.
 * https://docs.aws.amazon.com/inspector/v2/APIReference/API_EcrContainerImageMetadata.html
 */
export interface CoveredEcrImage {
  accountId: string;
  repositoryName: string;
  imageDigest: string;
  imageTags: string[];
  imagePulledAt: number | undefined;
  lastInUseAt: number | undefined;
  inUseCount: number | undefined;
  lastScannedAt: number | undefined;
  scanStatusCode: 'ACTIVE' | 'INACTIVE';
  scanStatusReason: string;
}

export class InspectorState {
  readonly images: CoveredEcrImage[] = [];

  constructor(
    readonly accountId: string,
    readonly region: string,
  ) {}

  cover(
    image: Pick<CoveredEcrImage, 'repositoryName' | 'imageDigest' | 'imageTags'> & Partial<CoveredEcrImage>,
  ): CoveredEcrImage {
    const covered: CoveredEcrImage = {
      accountId: this.accountId,
      imagePulledAt: undefined,
      lastInUseAt: undefined,
      inUseCount: undefined,
      lastScannedAt: undefined,
      scanStatusCode: 'ACTIVE',
      scanStatusReason: 'SUCCESSFUL',
      ...image,
    };
    this.images.push(covered);
    return covered;
  }
}
