/** The lifecycle policy the immutability tests name `standard`: untagged images expire 14 days after their push. */
export const STANDARD_POLICY = {
  rules: [
    {
      rulePriority: 1,
      description: 'Untagged images older than 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    },
  ],
};

/**
 * The rule that expires any archived image `days` after ECR archived it (countType
 * sinceImageTransitioned, which only an archive-class selection may use).
 */
export function expireArchivedRule(rulePriority: number, days: number) {
  return {
    rulePriority,
    selection: {
      tagStatus: 'any',
      storageClass: 'archive',
      countType: 'sinceImageTransitioned',
      countUnit: 'days',
      countNumber: days,
    },
    action: { type: 'expire' },
  } as const;
}

/** The rule that expires any image, tagged or not, `days` after its push. */
export function expireAnyPushedRule(rulePriority: number, days: number) {
  return {
    rulePriority,
    selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: days },
    action: { type: 'expire' },
  } as const;
}
