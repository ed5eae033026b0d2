import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { BatchClient } from '@aws-sdk/client-batch';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EKSClient } from '@aws-sdk/client-eks';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { deepCopy } from '../model/deep-copy';
import type { SimulatedCaller } from '../model/identity';
import { SimulatedServiceError } from '../model/simulated-error';
import type { World } from '../model/world';
import { appRunnerRoutes } from './app-runner-api';
import { batchRoutes } from './batch-api';
import { CallLog } from './call-log';
import { resolveCaller } from './caller';
import { ecrRoutes } from './ecr-api';
import { ecsRoutes } from './ecs-api';
import { eksRoutes } from './eks-api';
import { FaultInjector, type InjectedFault } from './faults';
import { inspectorRoutes } from './inspector-api';
import { lambdaRoutes } from './lambda-api';
import { organizationsRoutes } from './organizations-api';
import type { Dispatcher, Handler, Route } from './route';
import { s3Routes } from './s3-api';
import { type ErrorShape, fromSimulatedError, type SimulatedService, sdkError } from './sdk-errors';
import { stsRoutes } from './sts-api';

export interface InstallOptions {
  /** The account a client acts for (default: the world's account). */
  resolveAccount?: (client: unknown) => string | Promise<string>;
}

export interface InstalledSimulator {
  /** Every request the simulated services answered. */
  calls: CallLog;
  faults: FaultInjector;
  /** The aws-sdk-client-mock stubs, for assertions on the commands sent. */
  mocks: {
    ecr: AwsClientStub<ECRClient>;
    ecs: AwsClientStub<ECSClient>;
    lambda: AwsClientStub<LambdaClient>;
    sts: AwsClientStub<STSClient>;
    batch: AwsClientStub<BatchClient>;
    appRunner: AwsClientStub<AppRunnerClient>;
    s3: AwsClientStub<S3Client>;
    inspector: AwsClientStub<Inspector2Client>;
    eks: AwsClientStub<EKSClient>;
    organizations: AwsClientStub<OrganizationsClient>;
  };
  /** Puts the real `send` methods back. */
  restore(): void;
}

interface ClientLike {
  config: {
    region: () => Promise<string>;
    retryStrategy?: () => Promise<unknown>;
  };
}

/** The retry strategy interface of the SDK (smithy's RetryStrategyV2). */
interface RetryStrategyLike {
  acquireInitialRetryToken(scope: string): Promise<RetryTokenLike>;
  refreshRetryTokenForRetry(
    token: RetryTokenLike,
    errorInfo: { error: unknown; errorType: string },
  ): Promise<RetryTokenLike>;
  recordSuccess(token: RetryTokenLike): void;
}

interface RetryTokenLike {
  getRetryCount(): number;
  getRetryDelay(): number;
  $retryLog?: { acquisitionDelay?: number };
}

const ENDPOINT_HOST: Record<SimulatedService, (region: string) => string> = {
  ecr: (region) => `api.ecr.${region}.amazonaws.com`,
  ecs: (region) => `ecs.${region}.amazonaws.com`,
  lambda: (region) => `lambda.${region}.amazonaws.com`,
  sts: (region) => `sts.${region}.amazonaws.com`,
  batch: (region) => `batch.${region}.amazonaws.com`,
  apprunner: (region) => `apprunner.${region}.amazonaws.com`,
  s3: (region) => `s3.${region}.amazonaws.com`,
  inspector2: (region) => `inspector2.${region}.amazonaws.com`,
  eks: (region) => `eks.${region}.amazonaws.com`,
  // Organizations has one endpoint per partition. https://docs.aws.amazon.com/general/latest/gr/ao.html
  organizations: () => 'organizations.us-east-1.amazonaws.com',
};

/**
 * Installs the simulator behind the real SDK clients: ECRClient, ECSClient and LambdaClient answer
 * from the world, whichever instance calls `send` and whenever it was built. Each call is routed to
 * the registry of the calling client's region and account.
 *
 * aws-sdk-client-mock replaces `send`, and with it the SDK's middleware stack, retries included.
 * The dispatcher therefore runs the client's own retry strategy (`config.retryStrategy()`: standard
 * or adaptive, with the client's maxAttempts), as the SDK's retry middleware does: a throttled
 * call is retried with the SDK's backoff and every attempt reaches (and is counted by) the simulator.
 */
export function installSimulator(world: World, options: InstallOptions = {}): InstalledSimulator {
  const calls = new CallLog();
  const faults = new FaultInjector(world);
  let requestCounter = 0;
  const nextRequestId = () => {
    requestCounter++;
    const hex = requestCounter.toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  };

  async function attempt(
    service: SimulatedService,
    api: string,
    region: string,
    accountId: string,
    caller: SimulatedCaller,
    expired: boolean,
    handle: Handler,
  ): Promise<object> {
    const requestId = nextRequestId();
    if (expired) {
      calls.record({ service, api, region, accountId, outcome: 'ExpiredTokenException' });
      throw sdkError(service, EXPIRED_TOKEN, requestId);
    }
    let failure: InjectedFault | undefined;
    for (const fault of faults.decide({ service, api, region })) {
      if (fault.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      else failure = fault;
    }
    if (failure !== undefined) {
      const error = injectedError(service, failure, region, requestId);
      calls.record({ service, api, region, accountId, outcome: error.name });
      throw error;
    }
    try {
      const output = handle({ world, accountId, region, now: world.clock.nowMs(), caller });
      calls.record({ service, api, region, accountId, outcome: 'ok' });
      // A copy: code under test may change what it receives without changing the world.
      return {
        ...deepCopy(output),
        $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 },
      };
    } catch (error) {
      if (!(error instanceof SimulatedServiceError)) throw error;
      calls.record({ service, api, region, accountId, outcome: error.code });
      throw fromSimulatedError(service, error, requestId);
    }
  }

  const dispatch: Dispatcher = async (service, api, client, handle) => {
    const { config } = client as ClientLike;
    const region = await config.region();
    const resolved = await resolveCaller(world, client, world.defaultAccountId);
    const accountId = (await options.resolveAccount?.(client)) ?? resolved.caller.accountId;
    const caller = { ...resolved.caller, accountId };
    const attemptOnce = () => attempt(service, api, region, accountId, caller, resolved.expired, handle);
    const strategy = (await config.retryStrategy?.()) as RetryStrategyLike | undefined;
    if (strategy === undefined || typeof strategy.acquireInitialRetryToken !== 'function') {
      return attemptOnce();
    }
    // As @smithy/core's retry middleware: acquire a token, and on each error ask the strategy for a
    // retry token (it refuses non-retryable errors and exhausted attempts, and waits the backoff).
    let token = await strategy.acquireInitialRetryToken('');
    let attempts = 0;
    let totalRetryDelay = 0;
    for (;;) {
      try {
        const output = (await attemptOnce()) as { $metadata: object };
        strategy.recordSuccess(token);
        output.$metadata = { ...output.$metadata, attempts: attempts + 1, totalRetryDelay };
        return output;
      } catch (error) {
        try {
          token = await strategy.refreshRetryTokenForRetry(token, {
            error,
            errorType: retryErrorType(error),
          });
        } catch {
          const failed = error as { $metadata?: object };
          failed.$metadata = { ...failed.$metadata, attempts: attempts + 1, totalRetryDelay };
          throw error;
        }
        attempts = token.getRetryCount();
        const delay = token.getRetryDelay();
        totalRetryDelay += (token.$retryLog?.acquisitionDelay ?? 0) + delay;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const mocks = {
    ecr: mockClient(ECRClient),
    ecs: mockClient(ECSClient),
    lambda: mockClient(LambdaClient),
    sts: mockClient(STSClient),
    batch: mockClient(BatchClient),
    appRunner: mockClient(AppRunnerClient),
    s3: mockClient(S3Client),
    inspector: mockClient(Inspector2Client),
    eks: mockClient(EKSClient),
    organizations: mockClient(OrganizationsClient),
  };
  register(mocks.ecr, 'ecr', ecrRoutes, dispatch);
  register(mocks.ecs, 'ecs', ecsRoutes, dispatch);
  register(mocks.lambda, 'lambda', lambdaRoutes, dispatch);
  register(mocks.sts, 'sts', stsRoutes, dispatch);
  register(mocks.batch, 'batch', batchRoutes, dispatch);
  register(mocks.appRunner, 'apprunner', appRunnerRoutes, dispatch);
  register(mocks.s3, 's3', s3Routes, dispatch);
  register(mocks.inspector, 'inspector2', inspectorRoutes, dispatch);
  register(mocks.eks, 'eks', eksRoutes, dispatch);
  register(mocks.organizations, 'organizations', organizationsRoutes, dispatch);

  return {
    calls,
    faults,
    mocks,
    restore() {
      mocks.ecr.restore();
      mocks.ecs.restore();
      mocks.lambda.restore();
      for (const stub of [
        mocks.eks,
        mocks.sts,
        mocks.batch,
        mocks.appRunner,
        mocks.s3,
        mocks.inspector,
        mocks.organizations,
      ])
        stub.restore();
    },
  };
}

function register(
  stub: { send: { callsFake(fn: (command: unknown) => unknown): unknown } },
  service: SimulatedService,
  routes: readonly Route[],
  dispatch: Dispatcher,
): void {
  // An operation the simulator does not model fails loudly instead of answering `undefined`.
  stub.send.callsFake((command: unknown) =>
    Promise.reject(
      new Error(
        `registry-sim does not simulate ${service} ${(command as { constructor: { name: string } }).constructor.name}`,
      ),
    ),
  );
  for (const route of routes) route.register(stub, dispatch);
}

function injectedError(
  service: SimulatedService,
  fault: InjectedFault,
  region: string,
  requestId: string,
): Error {
  if (fault.kind === 'unreachable') {
    const host = ENDPOINT_HOST[service](region);
    return Object.assign(new Error(`connect ECONNREFUSED ${host}:443`), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      $metadata: {},
    });
  }
  return sdkError(service, injectedShape(service, fault.kind), requestId);
}

function injectedShape(
  service: SimulatedService,
  kind: 'throttle' | 'server-error' | 'unavailable' | 'latency' | 'access-denied',
): ErrorShape {
  const special = workloadServiceFaultShape(service, kind);
  if (special !== undefined) return special;
  if (kind === 'throttle') {
    // Lambda throttles with TooManyRequestsException (HTTP 429); ECR and ECS with an unmodeled
    // ThrottlingException (HTTP 400). https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
    return service === 'lambda'
      ? {
          name: 'TooManyRequestsException',
          message: 'Rate exceeded',
          fault: 'client',
          httpStatusCode: 429,
          retryable: { throttling: true },
          members: { Reason: 'CallerRateLimitExceeded', Type: 'User', retryAfterSeconds: '1' },
        }
      : {
          name: 'ThrottlingException',
          message: 'Rate exceeded',
          fault: 'client',
          httpStatusCode: 400,
          retryable: { throttling: true },
        };
  }
  if (kind === 'server-error') {
    return {
      name: service === 'lambda' ? 'ServiceException' : 'ServerException',
      message: 'We encountered an internal error. Please try again.',
      fault: 'server',
      httpStatusCode: 500,
    };
  }
  return {
    name: 'ServiceUnavailableException',
    message: 'Service is unavailable. Please try again.',
    fault: 'server',
    httpStatusCode: 503,
  };
}

// The SDK's classification of an error for its retry strategy (@smithy/core retry:
// getRetryErrorType): throttling, then transient (retryable trait, network errors, 500/502/503/504),
// then other 5xx, else a client error that is not retried.
const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function retryErrorType(error: unknown): 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR' {
  const e = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (status === 429 || THROTTLING_ERROR_NAMES.has(e.name ?? '') || e.$retryable?.throttling === true) {
    return 'THROTTLING';
  }
  if (
    e.$retryable !== undefined ||
    TRANSIENT_ERROR_NAMES.has(e.name ?? '') ||
    NETWORK_ERROR_CODES.has(e.code ?? '') ||
    [500, 502, 503, 504].includes(status)
  ) {
    return 'TRANSIENT';
  }
  if (status >= 500 && status <= 599) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/** A session past its Expiration, as every service answers it. */
const EXPIRED_TOKEN: ErrorShape = {
  name: 'ExpiredTokenException',
  message: 'The security token included in the request is expired',
  fault: 'client',
  httpStatusCode: 400,
};

/**
 * Faults whose AWS form differs from ECR's: refusals (STS and S3 answer `AccessDenied` 403, the JSON
 * services `AccessDeniedException`), and STS's and S3's throttling and 500 names (query and REST-XML
 * protocols: `Throttling`, S3's `SlowDown` 503, `InternalFailure`, `InternalError`).
 */
function workloadServiceFaultShape(service: SimulatedService, kind: string): ErrorShape | undefined {
  const xml = service === 'sts' || service === 's3';
  if (kind === 'access-denied') {
    return {
      name: xml ? 'AccessDenied' : 'AccessDeniedException',
      message: xml ? 'Access Denied' : 'User is not authorized to perform this action',
      fault: 'client',
      httpStatusCode: 403,
    };
  }
  if (kind === 'throttle' && xml) {
    return service === 's3'
      ? {
          name: 'SlowDown',
          message: 'Please reduce your request rate.',
          fault: 'server',
          httpStatusCode: 503,
          retryable: { throttling: true },
        }
      : {
          name: 'Throttling',
          message: 'Rate exceeded',
          fault: 'client',
          httpStatusCode: 400,
          retryable: { throttling: true },
        };
  }
  if (kind === 'server-error' && xml) {
    return {
      name: service === 's3' ? 'InternalError' : 'InternalFailure',
      message: 'We encountered an internal error. Please try again.',
      fault: 'server',
      httpStatusCode: 500,
    };
  }
  return undefined;
}
