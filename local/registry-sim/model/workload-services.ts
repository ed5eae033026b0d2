import { AppRunnerState } from './app-runner';
import { BatchState } from './batch';
import { IdentityState } from './identity';
import { InspectorState } from './inspector';
import { OrganizationsState } from './organizations';
import { S3State } from './s3';
import type { RandomSource } from './seeded-random';

/**
 * The services issue 14's in-use sources read beside ECS and Lambda: STS and IAM roles (one identity
 * model for every account), S3 (one global bucket namespace), and per account and region Batch, App
 * Runner and Inspector coverage (created on first use).
 */
export class WorkloadServices {
  readonly identity: IdentityState;
  readonly s3 = new S3State();
  /** AWS Organizations (one organization, or none), model/organizations.ts. */
  readonly organizations = new OrganizationsState();
  private readonly batchMap = new Map<string, BatchState>();
  private readonly appRunnerMap = new Map<string, AppRunnerState>();
  private readonly inspectorMap = new Map<string, InspectorState>();

  constructor(
    defaultAccountId: string,
    private readonly random: (stream: string) => RandomSource,
  ) {
    this.identity = new IdentityState(defaultAccountId, random('identity'));
    // aws:PrincipalOrgID in a role's trust compares the caller's organization (model/identity.ts).
    this.identity.organizationOf = (accountId) => this.organizations.organizationOf(accountId);
  }

  batch(accountId: string, region: string): BatchState {
    return place(this.batchMap, accountId, region, () => new BatchState(accountId, region));
  }

  appRunner(accountId: string, region: string): AppRunnerState {
    return place(
      this.appRunnerMap,
      accountId,
      region,
      () => new AppRunnerState(accountId, region, this.random(`apprunner/${accountId}/${region}`)),
    );
  }

  inspector(accountId: string, region: string): InspectorState {
    return place(this.inspectorMap, accountId, region, () => new InspectorState(accountId, region));
  }
}

function place<State>(
  map: Map<string, State>,
  accountId: string,
  region: string,
  create: () => State,
): State {
  const key = `${accountId}/${region}`;
  let state = map.get(key);
  if (state === undefined) {
    state = create();
    map.set(key, state);
  }
  return state;
}
