import * as z from '../zod';

/**
 * `cleanup.protect`'s in-use sources beyond this account's ECS and Lambda (issue 14): Kubernetes
 * clusters, workload accounts, Batch, App Runner, external lists, Inspector. Every one is off by
 * default, so that a config without them means exactly what it meant before: the in-use picture is
 * this account's and region's ECS and Lambda. The sources are composed in shared/inuse/in-use-sources.ts.
 */

const accountId = z
  .string({ error: 'must be a 12-digit AWS account id (quoted, e.g. "222222222222")' })
  .check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id (quoted, e.g. "222222222222")'));

export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const region = z
  .string({ error: 'must be an AWS region such as us-east-1' })
  .check(z.regex(AWS_REGION_PATTERN, 'must be an AWS region such as us-east-1'));

// CreateCluster: "The name can contain only alphanumeric characters (case-sensitive), hyphens, and
// underscores. It must start with an alphanumeric character and can't be longer than 100 characters."
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
// arn:<partition>:eks:<region>:<account>:cluster/<name>
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html
export const EKS_CLUSTER_ARN = /^arn:(aws[a-z-]*):eks:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):cluster\/(.+)$/;

const clusterRef = z.string({ error: 'must be an EKS cluster name or ARN' }).check(
  z.superRefine((value, ctx) => {
    if (value.startsWith('arn:')) {
      const arn = EKS_CLUSTER_ARN.exec(value);
      if (arn === null || !EKS_CLUSTER_NAME.test(arn[4] as string)) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be an EKS cluster ARN such as arn:aws:eks:us-east-1:111111111111:cluster/prod (arn:<partition>:eks:<region>:<account>:cluster/<name>)',
        });
      }
      return;
    }
    if (!EKS_CLUSTER_NAME.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be an EKS cluster name (1-100 of A-Z a-z 0-9 - _, starting with a letter or digit) or a cluster ARN',
      });
    }
  }),
);

/** Cluster names or ARNs, or `all` (every cluster eks:ListClusters returns where ecr-warden reads). */
const clusterList = z.union(
  [
    z.literal('all'),
    z.array(clusterRef).check(z.minLength(1, 'must list at least one cluster, or be "all"')),
  ],
  { error: 'must be "all" or a list of EKS cluster names or ARNs' },
);

const noDuplicates = <Item>(key: (item: Item) => string, what: string) =>
  z.superRefine((items: Item[], ctx) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const first = seen.get(key(item));
      if (first === undefined) seen.set(key(item), index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `${what} "${key(item)}" is already listed at [${first}]`,
        });
    });
  });

// Subnet and security group ids: `subnet-` / `sg-` + 8 or 17 hex digits
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Subnet.html, API_SecurityGroup.html).
const subnetId = z
  .string({ error: 'must be a subnet id such as subnet-0123456789abcdef0' })
  .check(
    z.regex(/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a subnet id such as subnet-0123456789abcdef0'),
  );
const securityGroupId = z
  .string({ error: 'must be a security group id such as sg-0123456789abcdef0' })
  .check(
    z.regex(/^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a security group id such as sg-0123456789abcdef0'),
  );

const kubernetesSection = z.strictObject({
  clusters: clusterList,
  /** Private cluster endpoints: the worker runs in these subnets, with these security groups. */
  vpc: z.optional(
    z.strictObject({
      subnetIds: z.array(subnetId).check(z.minLength(1, 'must list at least one subnet')),
      securityGroupIds: z
        .array(securityGroupId)
        .check(z.minLength(1, 'must list at least one security group')),
    }),
  ),
});

const workloadAccount = z.strictObject({
  account: accountId,
  regions: z.array(region, { error: 'must be a list of AWS regions' }).check(
    z.minLength(1, 'must list at least one region'),
    noDuplicates<string>((name) => name, 'region'),
  ),
  /** The clusters to read there (names or ARNs, or `all`); none when absent. */
  kubernetesClusters: z.optional(clusterList),
});

// IAM role names: 1-64 of [\w+=,.@-] (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
const roleName = z
  .string({ error: 'must be an IAM role name' })
  .check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name: 1-64 of A-Z a-z 0-9 _ + = , . @ -'));

// AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-]
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
const externalId = z
  .string({ error: 'must be an external id' })
  .check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 of A-Z a-z 0-9 _ + = , . @ : / - (no spaces)'));

// S3 bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html); keys up to 1024 bytes.
const bucketName = z
  .string({ error: 'must be an S3 bucket name' })
  .check(
    z.regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be an S3 bucket name: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit',
    ),
  );

const externalList = z.strictObject({
  /** Names the list in keep reasons (`in-use-external`) and failures (`external:<source>`). */
  source: z
    .string({ error: 'must be a source name such as argocd-prod' })
    .check(
      z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -, such as argocd-prod'),
    ),
  bucket: bucketName,
  key: z.string({ error: 'must be an S3 object key' }).check(
    z.minLength(1, 'must not be empty'),
    z.refine((key) => Buffer.byteLength(key) <= 1024, 'must be at most 1024 bytes'),
    // The worker's role gets s3:GetObject on exactly this key; IAM reads `*` and `?` in a resource ARN
    // as wildcards, which would grant more objects than the list.
    z.refine((key) => !/[*?]/.test(key), 'must not contain * or ? (IAM would read them as wildcards)'),
  ),
  /** A list whose generatedAt is older than this fails closed: nothing is deleted. */
  maxAgeHours: z._default(z.int('must be a whole number').check(z.gte(1, 'must be >= 1')), 24),
});

/** The keys `cleanup.protect` gains; merged into it by shared/config/schema.ts. */
export const protectSourceKeys = {
  kubernetes: z.optional(kubernetesSection),
  workloadAccounts: z._default(
    z
      .array(workloadAccount, { error: 'must be a list of { account, regions }' })
      .check(noDuplicates<{ account: string }>((entry) => entry.account, 'account')),
    [],
  ),
  /** The read-only role ecr-warden assumes in each workload account. */
  workloadRoleName: z._default(roleName, 'ecr-warden-workload-reader'),
  workloadRoleExternalId: z.optional(externalId),
  /** AWS Batch job definitions (ACTIVE) of this account and the workload accounts. */
  batch: z._default(z.boolean('must be true or false'), false),
  /** App Runner services of this account and the workload accounts. */
  appRunner: z._default(z.boolean('must be true or false'), false),
  external: z._default(
    z
      .array(externalList, { error: 'must be a list of { source, bucket, key, maxAgeHours }' })
      .check(noDuplicates<{ source: string }>((entry) => entry.source, 'source')),
    [],
  ),
  /** Keep an image Inspector saw in use (lastInUseAt) within this many days; off when absent. */
  inspectorInUseDays: z.optional(
    z.int('must be a whole number').check(z.gte(1, 'must be >= 1'), z.lte(365, 'must be <= 365')),
  ),
};
