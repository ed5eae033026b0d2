import {
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ListTagsForResourceCommand,
  ServerException,
} from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../../local/registry-sim/simulator';

let sim: RegistrySimulator;
let env: InstalledSimulator;

beforeEach(() => {
  // The SDK's backoff is random × base × 2^attempt: a random of 0 makes every retry immediate.
  jest.spyOn(Math, 'random').mockReturnValue(0);
  sim = createRegistrySimulator({ seed: 7 });
  env = sim.install();
  sim.addRepository('team/app');
});

afterEach(() => {
  env.restore();
  jest.restoreAllMocks();
});

async function failure(
  call: Promise<unknown>,
): Promise<Error & { $metadata?: { attempts?: number }; code?: string }> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('fault injection', () => {
  it('throttles, and the SDK retries until the call succeeds; every attempt is counted', async () => {
    const ecr = new ECRClient({ region: 'us-east-1', maxAttempts: 3 });
    env.faults.throttle({ api: 'DescribeImages', times: 2 });

    const result = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));

    expect(result.$metadata.attempts).toBe(3);
    expect(env.calls.count('DescribeImages')).toBe(3);
    expect(env.calls.count('DescribeImages', { outcome: 'ThrottlingException' })).toBe(2);
  });

  it('gives up after maxAttempts with a retryable ThrottlingException', async () => {
    const ecr = new ECRClient({ region: 'us-east-1', maxAttempts: 2 });
    env.faults.throttle({ api: 'DescribeImages' });

    const error = (await failure(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' })),
    )) as Error & {
      $retryable?: unknown;
      $metadata?: { attempts?: number; httpStatusCode?: number };
    };

    expect(error.name).toBe('ThrottlingException');
    expect(error.$retryable).toEqual({ throttling: true });
    expect(error.$metadata?.attempts).toBe(2);
    expect(env.calls.count('DescribeImages')).toBe(2);
  });

  it('throttles a deterministic share of calls: the same seed fails the same calls', async () => {
    const outcomes = async () => {
      const simulator = createRegistrySimulator({ seed: 42 });
      const installed = simulator.install();
      simulator.addRepository('team/app');
      installed.faults.throttle({ api: 'DescribeImages', share: 0.5 });
      const ecr = new ECRClient({ region: 'us-east-1', maxAttempts: 1 });
      for (let i = 0; i < 20; i++) {
        await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' })).catch(() => undefined);
      }
      const result = installed.calls.records.map((r) => r.outcome);
      installed.restore();
      return result;
    };

    const first = await outcomes();
    const second = await outcomes();

    expect(first).toEqual(second);
    expect(first.filter((o) => o === 'ThrottlingException').length).toBeGreaterThan(0);
    expect(first.filter((o) => o === 'ok').length).toBeGreaterThan(0);
  });

  it('answers a server error as ServerException (HTTP 500), which the SDK retries', async () => {
    const ecr = new ECRClient({ region: 'us-east-1', maxAttempts: 3 });
    env.faults.serverError({ service: 'ecr', times: 1 });
    env.faults.serverError({ api: 'DescribeRepositories' });

    const recovered = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));
    const error = await failure(ecr.send(new DescribeRepositoriesCommand({})));

    expect(recovered.$metadata.attempts).toBe(2);
    expect(error).toBeInstanceOf(ServerException);
    expect(error.$metadata?.attempts).toBe(3);
  });

  it('makes a whole region unreachable: every call there fails as a network error after the retries', async () => {
    const west = new ECRClient({ region: 'us-west-2', maxAttempts: 2 });
    const east = new ECRClient({ region: 'us-east-1' });
    env.faults.unreachable('us-west-2');

    const error = await failure(west.send(new DescribeRepositoriesCommand({})));
    await east.send(new DescribeRepositoriesCommand({}));

    expect(error.code).toBe('ECONNREFUSED');
    expect(env.calls.byRegion()).toEqual({ 'us-west-2': 2, 'us-east-1': 1 });
  });

  it('throttles Lambda with TooManyRequestsException (429) and ECS with ThrottlingException', async () => {
    const lambda = new LambdaClient({ region: 'us-east-1', maxAttempts: 1 });
    const ecs = new ECSClient({ region: 'us-east-1', maxAttempts: 1 });
    env.faults.throttle({ service: 'lambda' }).throttle({ service: 'ecs' });

    const lambdaError = await failure(lambda.send(new ListFunctionsCommand({})));
    const ecsError = await failure(ecs.send(new ListClustersCommand({})));

    expect(lambdaError.name).toBe('TooManyRequestsException');
    expect(ecsError.name).toBe('ThrottlingException');
  });

  it('delays calls with latency and still answers them', async () => {
    const ecr = new ECRClient({ region: 'us-east-1' });
    env.faults.latency({ api: 'DescribeImages', ms: 5 });

    const result = await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));

    expect(result.imageDetails).toEqual([]);
  });

  it('counts calls per API and region until reset, and clears faults', async () => {
    const ecr = new ECRClient({ region: 'us-east-1' });
    env.faults.throttle({ api: 'DescribeImages' });
    env.faults.clear();
    await ecr.send(new DescribeImagesCommand({ repositoryName: 'team/app' }));
    await ecr.send(new DescribeRepositoriesCommand({}));

    const before = env.calls.byApi();
    env.calls.reset();

    expect(before).toEqual({ DescribeImages: 1, DescribeRepositories: 1 });
    expect(env.calls.count()).toBe(0);
  });

  it('fails loudly on an operation it does not simulate', async () => {
    const ecr = new ECRClient({ region: 'us-east-1' });

    const error = await failure(ecr.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:ecr:x' })));

    expect(error.message).toMatch(/does not simulate ecr ListTagsForResourceCommand/);
  });
});
