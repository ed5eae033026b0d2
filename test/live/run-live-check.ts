/**
 * `npm run test:aws`: the opt-in live check against a real AWS account (test/live/live-check.ts). Never
 * part of `npm test`. Needs AWS credentials (any the SDK finds: environment, profile, SSO) and
 * ECR_WARDEN_LIVE=1; the region is AWS_REGION (or the profile's). The identity needs, on
 * `arn:aws:ecr:<region>:<account>:repository/ecr-warden-live-check/*`: ecr:CreateRepository,
 * ecr:TagResource, ecr:DeleteRepository, ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload,
 * ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage, ecr:DescribeImages, ecr:BatchGetImage,
 * ecr:BatchDeleteImage, ecr:DescribeRepositories, ecr:PutImageTagMutability,
 * ecr:DescribeImageReplicationStatus. It costs a few API calls and a few hundred bytes of storage for
 * about a minute.
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { runLiveCheck } from './live-check';

async function main(): Promise<number> {
  if (process.env.ECR_WARDEN_LIVE !== '1') {
    process.stdout.write(
      'live check skipped: set ECR_WARDEN_LIVE=1 (with AWS credentials and AWS_REGION) to run it against a real account; it creates a temporary ECR repository (ecr-warden-live-check/...) and deletes it\n',
    );
    return 0;
  }
  const ecr = new ECRClient({ retryMode: 'adaptive', maxAttempts: 8 });
  let region: string;
  try {
    region = await ecr.config.region();
  } catch {
    process.stderr.write('live check: no AWS region; set AWS_REGION\n');
    return 2;
  }
  process.stdout.write(`live check against ECR in ${region}\n`);
  const report = await runLiveCheck({
    ecr,
    region,
    log: (line) => process.stdout.write(`  ${line}\n`),
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  process.stdout.write(
    report.ok
      ? `live check passed (${report.steps.length} steps); ${report.repositoryName} deleted\n`
      : `live check FAILED${report.cleanedUp ? '' : `; ${report.repositoryName} may be left behind: delete it`}\n`,
  );
  ecr.destroy();
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`live check: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
