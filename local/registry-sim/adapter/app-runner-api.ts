import {
  DescribeServiceCommand,
  ListServicesCommand,
  type Service,
  type ServiceSummary,
} from '@aws-sdk/client-apprunner';
import type { AppRunnerService } from '../model/app-runner';
import { type PageLimits, paginate } from '../model/pagination';
import { serviceError } from '../model/simulated-error';
import { type CallContext, defineRoute, type Route } from './route';

// ListServices: MaxResults 1-20; without it, "all available results in a single response".
// https://docs.aws.amazon.com/apprunner/latest/api/API_ListServices.html
const APP_RUNNER_PAGE: PageLimits = {
  min: 1,
  max: 20,
  default: Number.MAX_SAFE_INTEGER,
  errorCode: 'InvalidRequestException',
  sizeField: 'MaxResults',
  tokenField: 'NextToken',
};

const appRunnerOf = (context: CallContext) =>
  context.world.services.appRunner(context.accountId, context.region);

function summary(service: AppRunnerService): ServiceSummary {
  return {
    ServiceName: service.serviceName,
    ServiceId: service.serviceId,
    ServiceArn: service.serviceArn,
    ServiceUrl: service.serviceUrl,
    CreatedAt: new Date(service.createdAt),
    UpdatedAt: new Date(service.updatedAt),
    Status: service.status,
  };
}

/** https://docs.aws.amazon.com/apprunner/latest/api/API_Service.html */
function serviceShape(service: AppRunnerService): Service {
  return {
    ...(summary(service) as Required<
      Pick<ServiceSummary, 'ServiceName' | 'ServiceId' | 'ServiceArn' | 'Status'>
    > &
      ServiceSummary),
    CreatedAt: new Date(service.createdAt),
    UpdatedAt: new Date(service.updatedAt),
    SourceConfiguration: {
      ImageRepository: {
        ImageIdentifier: service.imageIdentifier,
        ImageRepositoryType: service.imageRepositoryType,
        ImageConfiguration: { Port: '8080' },
      },
      AutoDeploymentsEnabled: service.autoDeploymentsEnabled,
      ...(service.imageRepositoryType === 'ECR'
        ? {
            AuthenticationConfiguration: {
              AccessRoleArn: `arn:aws:iam::${service.serviceArn.split(':')[4]}:role/AppRunnerECRAccessRole`,
            },
          }
        : {}),
    },
    InstanceConfiguration: { Cpu: '1024', Memory: '2048' },
    HealthCheckConfiguration: {
      Protocol: 'TCP',
      Interval: 10,
      Timeout: 5,
      HealthyThreshold: 1,
      UnhealthyThreshold: 5,
    },
    AutoScalingConfigurationSummary: {
      AutoScalingConfigurationArn: `arn:aws:apprunner:${service.serviceArn.split(':')[3]}:${service.serviceArn.split(':')[4]}:autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000001`,
      AutoScalingConfigurationName: 'DefaultConfiguration',
      AutoScalingConfigurationRevision: 1,
    },
    NetworkConfiguration: {
      EgressConfiguration: { EgressType: 'DEFAULT' },
      IngressConfiguration: { IsPubliclyAccessible: true },
      IpAddressType: 'IPV4',
    },
  };
}

export const appRunnerRoutes: readonly Route[] = [
  defineRoute('apprunner', ListServicesCommand, 'ListServices', (input, context) => {
    const state = appRunnerOf(context);
    const services = [...state.services.values()].sort((a, b) => (a.serviceArn < b.serviceArn ? -1 : 1));
    const page = paginate(
      services,
      { maxResults: input.MaxResults, nextToken: input.NextToken },
      {
        scope: `ListServices|${state.accountId}|${state.region}`,
        limits: APP_RUNNER_PAGE,
        cursorOf: (s) => s.serviceArn,
      },
    );
    return {
      ServiceSummaryList: page.items.map(summary),
      ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
    };
  }),

  defineRoute('apprunner', DescribeServiceCommand, 'DescribeService', (input, context) => {
    const service = appRunnerOf(context).services.get(input.ServiceArn ?? '');
    if (service === undefined) {
      throw serviceError('ResourceNotFoundException', `Service not found: ${input.ServiceArn}`);
    }
    return { Service: serviceShape(service) };
  }),
];
