import type { LifecycleEvaluation } from './evaluate';

/**
 * The shape of ECR's `GetLifecyclePolicyPreview` response, so that scripts written against
 * `aws ecr get-lifecycle-policy-preview` read ecr-warden's preview unchanged.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetLifecyclePolicyPreview.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_LifecyclePolicyPreviewResult.html
 */
export interface LifecyclePolicyPreview {
  status: 'COMPLETE';
  previewResults: PreviewResult[];
  summary: PreviewSummary;
}

export interface PreviewResult {
  imageDigest: string;
  imageTags: string[];
  /** ISO 8601, as the AWS CLI v2 prints timestamps. */
  imagePushedAt: string;
  action: { type: 'EXPIRE' | 'TRANSITION'; targetStorageClass?: 'ARCHIVE' };
  appliedRulePriority: number;
  storageClass: 'STANDARD' | 'ARCHIVE';
}

export interface PreviewSummary {
  expiringImageTotalCount: number;
  /** "only present if at least one image will be transitioned" (LifecyclePolicyPreviewSummary) */
  transitioningImageTotalCounts?: { targetStorageClass: 'ARCHIVE'; imageTotalCount: number }[];
}

export function toPolicyPreview(evaluation: LifecycleEvaluation): LifecyclePolicyPreview {
  let expiring = 0;
  let transitioning = 0;
  const previewResults = evaluation.actions.map(({ image, rulePriority, type }): PreviewResult => {
    const isExpire = type === 'expire';
    if (isExpire) expiring++;
    else transitioning++;
    return {
      imageDigest: image.imageDigest,
      imageTags: [...image.imageTags],
      imagePushedAt: new Date(image.pushedAt).toISOString(),
      action: isExpire ? { type: 'EXPIRE' } : { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
      appliedRulePriority: rulePriority,
      storageClass: image.storageClass === 'archive' ? 'ARCHIVE' : 'STANDARD',
    };
  });
  return {
    status: 'COMPLETE',
    previewResults,
    summary: {
      expiringImageTotalCount: expiring,
      ...(transitioning > 0
        ? {
            transitioningImageTotalCounts: [
              { targetStorageClass: 'ARCHIVE', imageTotalCount: transitioning },
            ],
          }
        : {}),
    },
  };
}
