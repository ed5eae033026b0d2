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
