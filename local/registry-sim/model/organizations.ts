import { type Page, type PageRequest, paginate } from './pagination';
import { serviceError } from './simulated-error';

/**
 * AWS Organizations, as much as an Organizations hub reads (issue 15): one organization with its
 * root, nested OUs and member accounts (each with its State), the management account and delegated
 * administrators, and the four calls ecr-warden makes.
 *
 * - DescribeOrganization: any account of the organization may call it; an account outside one gets
 *   AWSOrganizationsNotInUseException.
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
 * - ListAccountsForParent, ListOrganizationalUnitsForParent, ListParents: "only from the
 *   organization's management account or by a member account that is a delegated administrator";
 *   anyone else gets AccessDeniedException. A parent that is not in the organization:
 *   ParentNotFoundException; a child: ChildNotFoundException. MaxResults 1-20 with NextToken
 *   (InvalidInputException otherwise).
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
 * - Account State: PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED; the deprecated
 *   Status (ACTIVE, SUSPENDED, PENDING_CLOSURE) is answered beside it, as AWS still does.
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html
 */
export type OrganizationAccountState =
  | 'PENDING_ACTIVATION'
  | 'ACTIVE'
  | 'SUSPENDED'
  | 'PENDING_CLOSURE'
  | 'CLOSED';

export interface SimulatedOrganization {
  id: string;
  managementAccountId: string;
  managementAccountEmail: string;
  rootId: string;
}

export interface SimulatedOrganizationalUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface SimulatedOrganizationAccount {
  id: string;
  name: string;
  email: string;
  state: OrganizationAccountState;
  parentId: string;
  joinedAt: number;
}

const PAGE_LIMITS = {
  min: 1,
  max: 20,
  default: 20,
  errorCode: 'InvalidInputException',
  sizeField: 'maxResults',
  tokenField: 'nextToken',
};
const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;

export class OrganizationsState {
  organization: SimulatedOrganization | undefined;
  readonly units = new Map<string, SimulatedOrganizationalUnit>();
  readonly accounts = new Map<string, SimulatedOrganizationAccount>();
  readonly delegatedAdministrators = new Set<string>();

  /** Creates the organization, its root, and the management account (ACTIVE, under the root). */
  createOrganization(input: {
    id: string;
    managementAccountId: string;
    rootId?: string;
    managementAccountName?: string;
    joinedAt?: number;
  }): SimulatedOrganization {
    const rootId = input.rootId ?? `r-${input.id.slice(2, 6)}`;
    this.organization = {
      id: input.id,
      managementAccountId: input.managementAccountId,
      managementAccountEmail: `aws+${input.managementAccountId}@example.com`,
      rootId,
    };
    this.addAccount({
      id: input.managementAccountId,
      name: input.managementAccountName ?? 'management',
      parentId: rootId,
      ...(input.joinedAt === undefined ? {} : { joinedAt: input.joinedAt }),
    });
    return this.organization;
  }

  addOrganizationalUnit(input: { id: string; name: string; parentId: string }): SimulatedOrganizationalUnit {
    this.requireParent(input.parentId);
    const unit = { ...input };
    this.units.set(unit.id, unit);
    return unit;
  }

  addAccount(input: {
    id: string;
    name: string;
    parentId: string;
    state?: OrganizationAccountState;
    email?: string;
    joinedAt?: number;
  }): SimulatedOrganizationAccount {
    this.requireParent(input.parentId);
    const account: SimulatedOrganizationAccount = {
      id: input.id,
      name: input.name,
      email: input.email ?? `aws+${input.id}@example.com`,
      state: input.state ?? 'ACTIVE',
      parentId: input.parentId,
      joinedAt: input.joinedAt ?? Date.parse('2026-01-01T00:00:00Z'),
    };
    this.accounts.set(account.id, account);
    return account;
  }

  /** The organization id an account belongs to (what `aws:PrincipalOrgID` compares), if any. */
  organizationOf(accountId: string): string | undefined {
    return this.accounts.has(accountId) ? this.organization?.id : undefined;
  }

  describeOrganization(caller: string): SimulatedOrganization {
    return this.organizationFor(caller);
  }

  listAccountsForParent(
    caller: string,
    parentId: string,
    request: PageRequest,
  ): Page<SimulatedOrganizationAccount> {
    return this.listChildren('ListAccountsForParent', this.accounts, caller, parentId, request);
  }

  listOrganizationalUnitsForParent(
    caller: string,
    parentId: string,
    request: PageRequest,
  ): Page<SimulatedOrganizationalUnit> {
    return this.listChildren('ListOrganizationalUnitsForParent', this.units, caller, parentId, request);
  }

  /** The accounts or OUs directly under a parent, by id, one page. */
  private listChildren<Child extends { id: string; parentId: string }>(
    api: string,
    all: ReadonlyMap<string, Child>,
    caller: string,
    parentId: string,
    request: PageRequest,
  ): Page<Child> {
    this.requireAdministrator(caller);
    this.requireListedParent(parentId);
    const children = [...all.values()]
      .filter((child) => child.parentId === parentId)
      .sort((a, b) => a.id.localeCompare(b.id));
    return paginate(children, request, {
      scope: `${api}|${parentId}`,
      limits: PAGE_LIMITS,
      cursorOf: (child) => child.id,
    });
  }

  /** The one parent of an account or OU: `ROOT` or `ORGANIZATIONAL_UNIT`. */
  listParents(caller: string, childId: string): { id: string; type: 'ROOT' | 'ORGANIZATIONAL_UNIT' } {
    const organization = this.requireAdministrator(caller);
    if (!ACCOUNT_ID.test(childId) && !OU_ID.test(childId)) {
      throw serviceError('InvalidInputException', `You specified an invalid value for childId: ${childId}`, {
        Reason: 'INVALID_PATTERN',
      });
    }
    const parentId = (this.units.get(childId) ?? this.accounts.get(childId))?.parentId;
    if (parentId === undefined) {
      throw serviceError(
        'ChildNotFoundException',
        "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
      );
    }
    return { id: parentId, type: parentId === organization.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
  }

  arnOf(kind: 'organization' | 'account' | 'ou' | 'root', id: string): string {
    const organization = this.organization as SimulatedOrganization;
    const base = `arn:aws:organizations::${organization.managementAccountId}`;
    if (kind === 'organization') return `${base}:organization/${organization.id}`;
    if (kind === 'root') return `${base}:root/${organization.id}/${id}`;
    return `${base}:${kind}/${organization.id}/${id}`;
  }

  private organizationFor(caller: string): SimulatedOrganization {
    if (this.organization === undefined || !this.accounts.has(caller)) {
      throw serviceError(
        'AWSOrganizationsNotInUseException',
        'Your account is not a member of an organization.',
      );
    }
    return this.organization;
  }

  private requireAdministrator(caller: string): SimulatedOrganization {
    const organization = this.organizationFor(caller);
    if (caller !== organization.managementAccountId && !this.delegatedAdministrators.has(caller)) {
      throw serviceError('AccessDeniedException', "You don't have permissions to access this resource.");
    }
    return organization;
  }

  private requireListedParent(parentId: string): void {
    if (!OU_ID.test(parentId) && !ROOT_ID.test(parentId)) {
      throw serviceError(
        'InvalidInputException',
        `You specified an invalid value for parentId: ${parentId}`,
        {
          Reason: 'INVALID_PATTERN',
        },
      );
    }
    if (!this.isParent(parentId)) {
      throw serviceError(
        'ParentNotFoundException',
        "We can't find a root or OU with the ParentId that you specified.",
      );
    }
  }

  private requireParent(parentId: string): void {
    if (!this.isParent(parentId))
      throw new Error(`registry-sim: no root or OU ${parentId} in the organization`);
  }

  private isParent(id: string): boolean {
    return id === this.organization?.rootId || this.units.has(id);
  }
}
