import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { OrganizationConfig } from '../config/schema-organization';
import { ORGANIZATION_ROOT_ID } from '../config/schema-organization';
import { EcrWardenError } from '../errors';
import {
  type AccountDirectory,
  accountDirectory,
  type GovernedAccount,
} from '../organization/governed-accounts';
import { stsClient } from './sts-client';
import { roleSessionName } from './workload-account-credentials';

/**
 * The governed accounts of an `organization.organizationalUnits` config (issue 15), read from AWS
 * Organizations by the hub (the management account or a delegated administrator), or through
 * `organization.organizationsRoleArn` when it cannot call Organizations itself.
 *
 * - DescribeOrganization first: it answers AWSOrganizationsNotInUseException for an account outside an
 *   organization, and the organization's id, checked against `organization.organizationId` when set
 *   (a hub listing another organization's OUs would govern accounts nobody named).
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
 * - For each configured OU, ListParents up to the root, so an account's `parents` holds every OU above
 *   it and a rule naming a higher OU or the root covers it. An OU has one parent; OUs nest at most five
 *   deep under the root. https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
 * - Then ListAccountsForParent and ListOrganizationalUnitsForParent, recursively, each paginated to the
 *   end: MaxResults 1-20, and "NextToken … you should check NextToken after every operation to ensure
 *   that you receive all of the results" (a page may be empty and still carry a NextToken).
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html
 * - ACTIVE accounts only: `State` (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED),
 *   falling back to the deprecated `Status` (ACTIVE, SUSPENDED, PENDING_CLOSURE) when `State` is
 *   absent. A suspended or closing account cannot be acted in; governing it would only report it
 *   unreachable forever. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
 * - Errors: ParentNotFoundException / ChildNotFoundException (the OU is not in this organization),
 *   AWSOrganizationsNotInUseException, AccessDeniedException (the caller is neither the management
 *   account nor a delegated administrator, or its policy lacks the action), TooManyRequestsException
 *   (retried by the SDK's adaptive retry first).
 *
 * The result is cached for the execution environment for 15 minutes (per client and config): every
 * invocation needs the directory, and an OU change taking effect within a quarter of an hour is what
 * the issue asks; a failure is not cached, so the next invocation asks again.
 */

export const ORGANIZATION_DIRECTORY_TTL_MS = 15 * 60_000;
/** ListAccountsForParent / ListOrganizationalUnitsForParent: MaxResults 1-20. */
const PAGE_SIZE = 20;
/** Five OU levels under the root; a longer ListParents chain means the answers are wrong. */
const MAX_PARENT_CHAIN = 6;
/** An assumed organizationsRoleArn session is used for one listing: STS's minimum is enough. */
const ORGANIZATIONS_ROLE_SESSION_SECONDS = 900;

/** The Organizations listing could not be read: one line naming what and what to do. */
export class OrganizationDirectoryError extends EcrWardenError {
  override name = 'OrganizationDirectoryError';

  constructor(
    readonly reason: string,
    /** The AWS error name, when Organizations or STS answered one. */
    readonly errorName?: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

export interface ReadOrganizationDirectoryOptions {
  /** The Organizations client (default: the execution environment's; with organizationsRoleArn, one built from its session). */
  client?: OrganizationsClient;
  /** The hub account (DEPLOYMENT_ACCOUNT_ID), named in error reasons. */
  hubAccount: string;
  /** STS for organizationsRoleArn (default: the execution environment's). */
  sts?: STSClient;
  /** Epoch ms now (default Date.now), for the cache. */
  now?: () => number;
}

/**
 * Organizations is a global service: SDK v3 resolves every commercial region to its one endpoint
 * (organizations.us-east-1.amazonaws.com). https://docs.aws.amazon.com/general/latest/gr/ao.html
 */
let defaultClient: OrganizationsClient | undefined;
function organizationsClient(): OrganizationsClient {
  defaultClient ??= new OrganizationsClient({ retryMode: 'adaptive', maxAttempts: 8 });
  return defaultClient;
}

interface CachedDirectory {
  readonly expiresAt: number;
  readonly directory: Promise<AccountDirectory>;
}
const DEFAULT_CLIENT_KEY = {};
const caches = new WeakMap<object, Map<string, CachedDirectory>>();

export async function readOrganizationDirectory(
  organization: OrganizationConfig,
  options: ReadOrganizationDirectoryOptions,
): Promise<AccountDirectory> {
  const now = options.now ?? Date.now;
  const cacheKey = JSON.stringify([
    options.hubAccount,
    organization.organizationalUnits,
    organization.accounts,
    organization.excludeAccounts,
    organization.accountAliases,
    organization.organizationId,
    organization.organizationsRoleArn,
  ]);
  const owner = options.client ?? DEFAULT_CLIENT_KEY;
  let cache = caches.get(owner);
  if (cache === undefined) {
    cache = new Map();
    caches.set(owner, cache);
  }
  const cached = cache.get(cacheKey);
  if (cached !== undefined && cached.expiresAt > now()) return cached.directory;
  const directory = listOrganizationDirectory(organization, options);
  cache.set(cacheKey, { expiresAt: now() + ORGANIZATION_DIRECTORY_TTL_MS, directory });
  directory.catch(() => {
    if (cache.get(cacheKey)?.directory === directory) cache.delete(cacheKey);
  });
  return directory;
}

async function listOrganizationDirectory(
  organization: OrganizationConfig,
  options: ReadOrganizationDirectoryOptions,
): Promise<AccountDirectory> {
  const client = options.client ?? (await clientFor(organization, options));
  const who = organization.organizationsRoleArn ?? `the hub account ${options.hubAccount}`;
  const call = caller(who);

  const described = await call('DescribeOrganization', null, () =>
    client.send(new DescribeOrganizationCommand({})),
  );
  const actualId = described.Organization?.Id;
  if (organization.organizationId !== undefined && actualId !== organization.organizationId) {
    throw new OrganizationDirectoryError(
      `${who} belongs to organization ${actualId ?? '(unknown)'}, not organization.organizationId ${organization.organizationId}: fix the id or the hub`,
    );
  }

  const excluded = new Set(organization.excludeAccounts);
  const found = new Map<string, GovernedAccount>();
  const keep = (account: GovernedAccount) => {
    if (excluded.has(account.id)) return;
    const known = found.get(account.id);
    // Reached through two configured OUs (one inside the other): keep the fuller chain.
    if (known === undefined || known.parents.length < account.parents.length) found.set(account.id, account);
  };

  for (const parentId of organization.organizationalUnits ?? []) {
    const above = await ancestorsOf(parentId, client, call);
    await walk(parentId, [parentId, ...above], organization, client, call, keep);
  }
  for (const id of organization.accounts ?? []) {
    if (!found.has(id)) keep({ id, alias: organization.accountAliases[id], parents: [] });
  }
  return accountDirectory([...found.values()]);
}

/** Runs one Organizations call and turns its documented errors into one-line reasons. */
function caller(label: string) {
  return async <Output>(
    action: string,
    parentId: string | null,
    run: () => Promise<Output>,
  ): Promise<Output> => {
    try {
      return await run();
    } catch (error) {
      throw organizationError(error, action, parentId, label);
    }
  };
}

function organizationError(
  error: unknown,
  action: string,
  parentId: string | null,
  caller: string,
): OrganizationDirectoryError {
  const errorName = error instanceof Error ? error.name : undefined;
  const what = parentId === null ? '' : ` (${parentId})`;
  switch (errorName) {
    case 'ParentNotFoundException':
    case 'ChildNotFoundException':
      return new OrganizationDirectoryError(
        `${describeParent(parentId ?? '')} does not exist in the organization (${errorName}): fix organization.organizationalUnits`,
        errorName,
        { cause: error },
      );
    case 'AWSOrganizationsNotInUseException':
      return new OrganizationDirectoryError(
        `${caller} is not a member of an organization (AWSOrganizationsNotInUseException): organization.organizationalUnits needs AWS Organizations; list the accounts in organization.accounts instead`,
        errorName,
        { cause: error },
      );
    case 'AccessDeniedException':
      return new OrganizationDirectoryError(
        `Organizations refused ${action}${what} to ${caller} (AccessDeniedException): it must be the management account or a delegated administrator with organizations:${action} allowed; or set organization.organizationsRoleArn`,
        errorName,
        { cause: error },
      );
    default:
      return new OrganizationDirectoryError(
        `Organizations ${action}${what} failed for ${caller}: ${errorName ?? 'Error'}: ${error instanceof Error ? error.message : String(error)}`,
        errorName,
        { cause: error },
      );
  }
}

function describeParent(parentId: string): string {
  return ORGANIZATION_ROOT_ID.test(parentId) ? `root ${parentId}` : `OU ${parentId}`;
}

type Call = ReturnType<typeof caller>;

/** The OUs and root above `parentId`, nearest first (empty for a root). */
async function ancestorsOf(parentId: string, client: OrganizationsClient, call: Call): Promise<string[]> {
  const chain: string[] = [];
  let child = parentId;
  if (ORGANIZATION_ROOT_ID.test(child)) {
    // ListParents does not take a root (ChildId: an account or OU id); a root that does not exist
    // surfaces as ParentNotFoundException from the listing itself.
    return chain;
  }
  while (chain.length < MAX_PARENT_CHAIN) {
    const output = await call('ListParents', parentId, () =>
      client.send(new ListParentsCommand({ ChildId: child })),
    );
    const parent = output.Parents?.[0];
    if (parent?.Id === undefined) return chain;
    chain.push(parent.Id);
    if (parent.Type === 'ROOT') return chain;
    child = parent.Id;
  }
  throw new OrganizationDirectoryError(
    `Organizations ListParents for ${describeParent(parentId)} did not reach a root in ${MAX_PARENT_CHAIN} steps`,
  );
}

async function walk(
  parentId: string,
  chain: readonly string[],
  organization: OrganizationConfig,
  client: OrganizationsClient,
  call: Call,
  keep: (account: GovernedAccount) => void,
): Promise<void> {
  const accounts = await everyPage(async (NextToken) => {
    const page = await call('ListAccountsForParent', parentId, () =>
      client.send(new ListAccountsForParentCommand({ ParentId: parentId, MaxResults: PAGE_SIZE, NextToken })),
    );
    return { items: page.Accounts ?? [], nextToken: page.NextToken };
  });
  for (const account of accounts) {
    if (account.Id === undefined || !isActive(account)) continue;
    keep({ id: account.Id, alias: organization.accountAliases[account.Id] ?? account.Name, parents: chain });
  }
  const units = await everyPage(async (NextToken) => {
    const page = await call('ListOrganizationalUnitsForParent', parentId, () =>
      client.send(
        new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, MaxResults: PAGE_SIZE, NextToken }),
      ),
    );
    return { items: page.OrganizationalUnits ?? [], nextToken: page.NextToken };
  });
  for (const unit of units) {
    if (unit.Id !== undefined) await walk(unit.Id, [unit.Id, ...chain], organization, client, call, keep);
  }
}

/** Every item of a paginated list, following NextToken to the end (an empty page may carry one). */
async function everyPage<Item>(
  page: (
    nextToken: string | undefined,
  ) => Promise<{ items: readonly Item[]; nextToken?: string | undefined }>,
): Promise<Item[]> {
  const items: Item[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await page(nextToken);
    items.push(...answer.items);
    nextToken = answer.nextToken === undefined || answer.nextToken === '' ? undefined : answer.nextToken;
  } while (nextToken !== undefined);
  return items;
}

/** `State` ACTIVE, or (State absent) the deprecated `Status` ACTIVE. */
export function isActive(account: Pick<Account, 'State' | 'Status'>): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

/**
 * With `organizationsRoleArn`, the listing runs as that role (in the management account or a delegated
 * administrator): one AssumeRole per listing, a 15-minute session (the listing takes seconds).
 */
async function clientFor(
  organization: OrganizationConfig,
  options: ReadOrganizationDirectoryOptions,
): Promise<OrganizationsClient> {
  const roleArn = organization.organizationsRoleArn;
  if (roleArn === undefined) return organizationsClient();
  const sts = options.sts ?? stsClient;
  let credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined;
  try {
    const output = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: roleSessionName('organization-directory'),
        DurationSeconds: ORGANIZATIONS_ROLE_SESSION_SECONDS,
      }),
    );
    credentials = output.Credentials;
  } catch (error) {
    const errorName = error instanceof Error ? error.name : undefined;
    throw new OrganizationDirectoryError(
      `the hub account ${options.hubAccount} cannot assume organization.organizationsRoleArn ${roleArn} (${errorName ?? 'Error'}): check the role's trust policy and the hub's sts:AssumeRole`,
      errorName,
      { cause: error },
    );
  }
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
    throw new OrganizationDirectoryError(`STS answered AssumeRole of ${roleArn} without credentials`);
  }
  return new OrganizationsClient({
    retryMode: 'adaptive',
    maxAttempts: 8,
    credentials: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken === undefined ? {} : { sessionToken: credentials.SessionToken }),
    },
  });
}
