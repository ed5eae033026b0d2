// ECR private repository storage costs $0.10 per GB-month (https://aws.amazon.com/ecr/pricing/);
// AWS bills storage in binary gigabytes (2^30 bytes).
export const DOLLARS_PER_GB_MONTH = 0.1;
const BYTES_PER_GB = 1024 ** 3;

/** What storing `bytes` costs a month in a private ECR repository, in US dollars. */
export function monthlyStorageCost(bytes: number): number {
  return (bytes / BYTES_PER_GB) * DOLLARS_PER_GB_MONTH;
}
