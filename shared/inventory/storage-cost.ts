// ECR private repository storage, per GB-month (https://aws.amazon.com/ecr/pricing/): standard storage
// $0.10; the archive storage class $0.10 for the first 150 TB a month and $0.07 above. AWS bills storage
// in binary gigabytes (2^30 bytes).
export const DOLLARS_PER_GB_MONTH = 0.1;
/** Archive storage class, first 150 TB a month: the same as standard. */
export const ARCHIVE_DOLLARS_PER_GB_MONTH = 0.1;
/** Archive storage class beyond 150 TB a month in the account and region. */
export const ARCHIVE_DOLLARS_PER_GB_MONTH_OVER_150_TB = 0.07;
const BYTES_PER_GB = 1024 ** 3;

export type StorageClassName = 'standard' | 'archive';

/**
 * What storing `bytes` costs a month in a private ECR repository, in US dollars, in its storage class.
 * Archived bytes are priced at the archive class's first-tier rate: the most they can cost, so that a
 * saving computed from it stays an upper bound.
 */
export function monthlyStorageCost(bytes: number, storageClass: StorageClassName = 'standard'): number {
  const rate = storageClass === 'archive' ? ARCHIVE_DOLLARS_PER_GB_MONTH : DOLLARS_PER_GB_MONTH;
  return (bytes / BYTES_PER_GB) * rate;
}

/**
 * The most archiving `bytes` saves a month: nothing while the account's archive stays under 150 TB
 * (same rate as standard), $0.03 per GB-month above.
 */
export function monthlyArchiveSavingsUpperBound(bytes: number): number {
  return (bytes / BYTES_PER_GB) * (DOLLARS_PER_GB_MONTH - ARCHIVE_DOLLARS_PER_GB_MONTH_OVER_150_TB);
}
