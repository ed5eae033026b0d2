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

const EXPIRE = { type: 'expire' } as const;
const ARCHIVE = { type: 'transition', targetStorageClass: 'archive' } as const;

/** A rule over every image, tagged or not, that counts `days` by `count.countType`. */
function anyImageRule<const Count extends { storageClass?: 'archive'; countType: string }, const Action>(
  rulePriority: number,
  count: Count,
  days: number,
  action: Action,
) {
  return {
    rulePriority,
    selection: { tagStatus: 'any', ...count, countUnit: 'days', countNumber: days },
    action,
  } as const;
}

/**
 * The rule that expires any archived image `days` after ECR archived it (countType
 * sinceImageTransitioned, which only an archive-class selection may use).
 */
export const expireArchivedRule = (rulePriority: number, days: number) =>
  anyImageRule(rulePriority, { storageClass: 'archive', countType: 'sinceImageTransitioned' }, days, EXPIRE);

/** The rule that expires any image `days` after its push. */
export const expireAnyPushedRule = (rulePriority: number, days: number) =>
  anyImageRule(rulePriority, { countType: 'sinceImagePushed' }, days, EXPIRE);

/** The rule that moves any image to the archive class when nobody has pulled it for `days`. */
export const archiveUnpulledRule = (rulePriority: number, days: number) =>
  anyImageRule(rulePriority, { countType: 'sinceImagePulled' }, days, ARCHIVE);
