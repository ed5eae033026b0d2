import type { RandomSource } from './seeded-random';
import { serviceError } from './simulated-error';

/**
 * The slice of AWS App Runner that tells which images are in use: services whose source is an image
 * repository (ECR, or ECR Public), with their status.
 * https://docs.aws.amazon.com/apprunner/latest/api/API_Service.html
 */
export type AppRunnerStatus =
  | 'CREATE_FAILED'
  | 'RUNNING'
  | 'DELETED'
  | 'DELETE_FAILED'
  | 'PAUSED'
  | 'OPERATION_IN_PROGRESS';

export interface AppRunnerService {
  serviceName: string;
  serviceId: string;
  serviceArn: string;
  serviceUrl: string;
  status: AppRunnerStatus;
  imageIdentifier: string;
  imageRepositoryType: 'ECR' | 'ECR_PUBLIC';
  autoDeploymentsEnabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export class AppRunnerState {
  readonly services = new Map<string, AppRunnerService>();

  constructor(
    readonly accountId: string,
    readonly region: string,
    private readonly random: RandomSource,
  ) {}

  createService(input: {
    serviceName: string;
    imageIdentifier: string;
    status?: AppRunnerStatus;
    autoDeploymentsEnabled?: boolean;
    at: number;
  }): AppRunnerService {
    if ([...this.services.values()].some((service) => service.serviceName === input.serviceName)) {
      throw serviceError(
        'InvalidRequestException',
        `Service with the provided name already exists: ${input.serviceName}`,
      );
    }
    const serviceId = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16)).join('');
    const service: AppRunnerService = {
      serviceName: input.serviceName,
      serviceId,
      serviceArn: `arn:aws:apprunner:${this.region}:${this.accountId}:service/${input.serviceName}/${serviceId}`,
      serviceUrl: `${serviceId.slice(0, 10)}.${this.region}.awsapprunner.com`,
      status: input.status ?? 'RUNNING',
      imageIdentifier: input.imageIdentifier,
      imageRepositoryType: input.imageIdentifier.startsWith('public.ecr.aws/') ? 'ECR_PUBLIC' : 'ECR',
      autoDeploymentsEnabled: input.autoDeploymentsEnabled ?? false,
      createdAt: input.at,
      updatedAt: input.at,
    };
    this.services.set(service.serviceArn, service);
    return service;
  }

  /** DeleteService: gone from ListServices and DescribeService (ResourceNotFoundException) afterwards. */
  deleteService(serviceArn: string): void {
    if (!this.services.delete(serviceArn)) {
      throw serviceError('ResourceNotFoundException', `Service not found: ${serviceArn}`);
    }
  }
}
