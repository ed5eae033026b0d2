import * as apprunner from '@aws-sdk/client-apprunner';
import * as batch from '@aws-sdk/client-batch';
import * as ecr from '@aws-sdk/client-ecr';
import * as ecs from '@aws-sdk/client-ecs';
import * as eks from '@aws-sdk/client-eks';
import * as inspector2 from '@aws-sdk/client-inspector2';
import * as lambda from '@aws-sdk/client-lambda';
import * as organizations from '@aws-sdk/client-organizations';
import * as s3 from '@aws-sdk/client-s3';
import * as sts from '@aws-sdk/client-sts';
import type { SimulatedServiceError } from '../model/simulated-error';

export type SimulatedService =
  | 'ecr'
  | 'ecs'
  | 'lambda'
  | 'eks'
  | 'sts'
  | 'batch'
  | 'apprunner'
  | 's3'
  | 'inspector2'
  | 'organizations';

type ServiceExceptionClass = new (options: {
  name: string;
  $fault: 'client' | 'server';
  message: string;
  $metadata: Record<string, unknown>;
}) => Error;

type ModeledExceptionClass = new (options: { message: string; $metadata: Record<string, unknown> }) => Error;

const SERVICES: Record<
  SimulatedService,
  { module: Record<string, unknown>; base: ServiceExceptionClass & { prototype: Error } }
> = {
  ecr: { module: ecr, base: ecr.ECRServiceException as unknown as ServiceExceptionClass },
  ecs: { module: ecs, base: ecs.ECSServiceException as unknown as ServiceExceptionClass },
  lambda: { module: lambda, base: lambda.LambdaServiceException as unknown as ServiceExceptionClass },
  sts: { module: sts, base: sts.STSServiceException as unknown as ServiceExceptionClass },
  batch: { module: batch, base: batch.BatchServiceException as unknown as ServiceExceptionClass },
  apprunner: {
    module: apprunner,
    base: apprunner.AppRunnerServiceException as unknown as ServiceExceptionClass,
  },
  s3: { module: s3, base: s3.S3ServiceException as unknown as ServiceExceptionClass },
  inspector2: {
    module: inspector2,
    base: inspector2.Inspector2ServiceException as unknown as ServiceExceptionClass,
  },
  eks: { module: eks, base: eks.EKSServiceException as unknown as ServiceExceptionClass },
  organizations: {
    module: organizations,
    base: organizations.OrganizationsServiceException as unknown as ServiceExceptionClass,
  },
};

// HTTP statuses that differ from 400 for client errors (Lambda's REST-JSON API uses them).
// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_Errors
const STATUS_BY_NAME: Readonly<Record<string, number>> = {
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  TooManyRequestsException: 429,
  // STS and S3 (query and REST-XML protocols) answer refusals with 403, S3's missing things with 404.
  AccessDenied: 403,
  AccessDeniedException: 403,
  NoSuchKey: 404,
  NoSuchBucket: 404,
};

export interface ErrorShape {
  name: string;
  message: string;
  fault: 'client' | 'server';
  httpStatusCode: number;
  /** Marks the error retryable for the SDK's retry strategy (`$retryable`). */
  retryable?: { throttling: boolean };
  members?: Readonly<Record<string, unknown>>;
}

/**
 * An error as the SDK would have deserialized it: an instance of the service's modeled exception
 * class when there is one (so `instanceof RepositoryNotFoundException` holds), else of the
 * service's base exception with the AWS error name (e.g. ECR's unmodeled `ThrottlingException`).
 */
export function sdkError(service: SimulatedService, shape: ErrorShape, requestId: string): Error {
  const { module, base } = SERVICES[service];
  const $metadata = { httpStatusCode: shape.httpStatusCode, requestId, attempts: 1, totalRetryDelay: 0 };
  const candidate = module[shape.name];
  const modeled =
    typeof candidate === 'function' && (candidate as { prototype: unknown }).prototype instanceof base
      ? (candidate as ModeledExceptionClass)
      : undefined;
  const error =
    modeled !== undefined
      ? new modeled({ message: shape.message, $metadata })
      : new base({ name: shape.name, $fault: shape.fault, message: shape.message, $metadata });
  Object.assign(error, shape.members ?? {});
  if (shape.retryable !== undefined) Object.assign(error, { $retryable: shape.retryable });
  return error;
}

/** The SDK form of an error the model raised. */
export function fromSimulatedError(
  service: SimulatedService,
  error: SimulatedServiceError,
  requestId: string,
): Error {
  return sdkError(
    service,
    {
      name: error.code,
      message: error.message,
      fault: 'client',
      httpStatusCode: STATUS_BY_NAME[error.code] ?? 400,
      members: error.members,
    },
    requestId,
  );
}
