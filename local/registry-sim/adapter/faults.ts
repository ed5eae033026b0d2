import { createSeededRandom, deriveSeed, type RandomSource } from '../model/seeded-random';
import type { ReplicationFailure, World } from '../model/world';
import type { SimulatedService } from './sdk-errors';

/** Which calls a fault applies to; every field left out matches everything. */
export interface FaultScope {
  service?: SimulatedService;
  /** One operation name (`DescribeImages`) or several. */
  api?: string | readonly string[];
  region?: string;
}

export interface FaultFrequency {
  /** Share of the matching calls that fail, 0 to 1 (default 1), drawn from the world's seed. */
  share?: number;
  /** Stop after this many injected failures (default: never). */
  times?: number;
}

export type InjectedFault =
  | { kind: 'throttle' }
  | { kind: 'server-error' }
  | { kind: 'unavailable' }
  | { kind: 'unreachable' }
  | { kind: 'access-denied' }
  | { kind: 'latency'; ms: number };

interface FaultRule {
  scope: FaultScope;
  fault: InjectedFault;
  share: number;
  remaining: number;
  random: RandomSource;
}

/**
 * Fault injection, deterministic: a share is drawn from a generator seeded by the world's seed and
 * the rule's position, so a test sees the same failures on every run.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private readonly unreachableRegions = new Set<string>();
  private ruleCount = 0;

  constructor(private readonly world: World) {}

  /** ThrottlingException (Lambda: TooManyRequestsException), which the SDK retries with backoff. */
  throttle(options: FaultScope & FaultFrequency = {}): this {
    return this.add(options, { kind: 'throttle' });
  }

  /** A 500 (ECR and ECS: ServerException; Lambda: ServiceException), which the SDK retries. */
  serverError(options: FaultScope & FaultFrequency = {}): this {
    return this.add(options, { kind: 'server-error' });
  }

  /** A 503 ServiceUnavailableException, which the SDK retries. */
  unavailable(options: FaultScope & FaultFrequency = {}): this {
    return this.add(options, { kind: 'unavailable' });
  }

  /** A refusal (STS, S3: AccessDenied; the others: AccessDeniedException, 403), which no SDK retries. */
  denyAccess(options: FaultScope & FaultFrequency = {}): this {
    return this.add(options, { kind: 'access-denied' });
  }

  /** Delays matching calls by `ms` of real time before they are answered. */
  latency(options: FaultScope & FaultFrequency & { ms: number }): this {
    return this.add(options, { kind: 'latency', ms: options.ms });
  }

  /** Every call to the region fails as a network error (ECONNREFUSED), as if its endpoints were down. */
  unreachable(region: string): this {
    this.unreachableRegions.add(region);
    return this;
  }

  reachable(region: string): this {
    this.unreachableRegions.delete(region);
    return this;
  }

  /** Replications that match end FAILED with `failureCode`, and the image does not reach the destination. */
  failReplication(failure: ReplicationFailure = {}): this {
    this.world.replicationFailures.push({ ...failure });
    return this;
  }

  /** Removes every fault, replication failures included. */
  clear(): this {
    this.rules = [];
    this.unreachableRegions.clear();
    this.world.replicationFailures.length = 0;
    return this;
  }

  /** The faults to apply to one call: latency first, then at most one failure. */
  decide(call: { service: SimulatedService; api: string; region: string }): InjectedFault[] {
    const faults: InjectedFault[] = [];
    if (this.unreachableRegions.has(call.region)) return [{ kind: 'unreachable' }];
    let failed = false;
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !inScope(rule.scope, call)) continue;
      const isFailure = rule.fault.kind !== 'latency';
      if (isFailure && failed) continue;
      if (rule.random() >= rule.share) continue;
      rule.remaining--;
      faults.push(rule.fault);
      if (isFailure) failed = true;
    }
    return faults.sort((a, b) => Number(a.kind !== 'latency') - Number(b.kind !== 'latency'));
  }

  private add(options: FaultScope & FaultFrequency, fault: InjectedFault): this {
    const share = options.share ?? 1;
    if (!(share >= 0 && share <= 1)) throw new RangeError(`share must be between 0 and 1, got ${share}`);
    const scope: FaultScope = {};
    if (options.service !== undefined) scope.service = options.service;
    if (options.api !== undefined) scope.api = options.api;
    if (options.region !== undefined) scope.region = options.region;
    this.rules.push({
      scope,
      fault,
      share,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      random: createSeededRandom(deriveSeed(this.world.seed, `fault-${this.ruleCount++}`)),
    });
    return this;
  }
}

function inScope(
  scope: FaultScope,
  call: { service: SimulatedService; api: string; region: string },
): boolean {
  const apis = scope.api === undefined ? undefined : typeof scope.api === 'string' ? [scope.api] : scope.api;
  return (
    (scope.service === undefined || scope.service === call.service) &&
    (scope.region === undefined || scope.region === call.region) &&
    (apis === undefined || apis.includes(call.api))
  );
}
