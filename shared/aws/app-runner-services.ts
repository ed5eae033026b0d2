import {
  type AppRunnerClient,
  DescribeServiceCommand,
  paginateListServices,
  type Service,
} from '@aws-sdk/client-apprunner';
import { mapWithConcurrency } from '../concurrency/map-with-concurrency';

// The client, for shared/aws/in-use-readers.ts: loading this module alone (a dynamic import) then
// bundles just the client and the commands used here, not the whole SDK package.
export { AppRunnerClient } from '@aws-sdk/client-apprunner';

// ListServices: MaxResults 1-20 (without it, "all available results in a single response", which a
// large account would not get in one answer either way); NextToken to the end.
// https://docs.aws.amazon.com/apprunner/latest/api/API_ListServices.html
export const APP_RUNNER_PAGE_SIZE = 20;

/**
 * Every App Runner service of the client's account and region, each as DescribeService answers it
 * (`Service`, = `aws apprunner describe-service`): the summary ListServices gives has no source
 * configuration, so the image (`SourceConfiguration.ImageRepository.ImageIdentifier`) needs the
 * describe. `concurrency` DescribeService calls in flight at once. Services of every status are
 * returned unchanged (a PAUSED service resumes with its image; the converter decides); a service
 * deleted between the listing and its describe (ResourceNotFoundException) runs nothing and is left out.
 */
export async function readAppRunnerServices(appRunner: AppRunnerClient, concurrency = 4): Promise<Service[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client: appRunner, pageSize: APP_RUNNER_PAGE_SIZE }, {})) {
    for (const summary of page.ServiceSummaryList ?? []) {
      if (summary.ServiceArn !== undefined) arns.push(summary.ServiceArn);
    }
  }
  const described = await mapWithConcurrency(arns, concurrency, async (ServiceArn) => {
    try {
      return (await appRunner.send(new DescribeServiceCommand({ ServiceArn }))).Service;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  });
  return described.filter((service): service is Service => service !== undefined);
}
