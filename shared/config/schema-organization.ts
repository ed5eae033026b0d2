import * as z from '../zod';
import { AWS_REGION_PATTERN } from './schema-protect';

/**
 * `organization` (issue 15): one deployment, in a hub account, governs many accounts and regions
 * through a member role in each. Absent: exactly the single-account behaviour, the deployment's own
 * account and region. The smallest form:
 *
 * ```yaml
 * organization:
 *   accounts: ["222222222222", "333333333333"]   # or organizationalUnits: ["ou-…"]
 *   regions: ["us-east-1", "eu-west-1"]
 *   memberRoleName: ecr-warden-member
 * ```
 *
 * The pure side (which account a rule covers, the governed scope) is shared/organization/; the
 * Organizations listing and the member-role sessions are in shared/aws/.
 */

const ACCOUNT_ID = /^\d{12}$/;
// Organizations ids, https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
// (ParentId: a root `r-` followed by 4-32 lowercase letters or digits, or an OU `ou-` followed by 4-32
// lowercase letters or digits, a dash, and 8-32 lowercase letters or digits) and
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html (Id: `o-` and 10-32).
export const ORGANIZATIONAL_UNIT_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ORGANIZATION_ROOT_ID = /^r-[0-9a-z]{4,32}$/;
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
// An account alias as IAM's CreateAccountAlias takes it: 3-63 lowercase letters, digits and single
// dashes, neither first nor last. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html
export const ACCOUNT_ALIAS = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;
// Role names: 1-64 characters of [\w+=,.@-]. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const accountId = z
  .string({ error: 'must be a 12-digit AWS account id (quoted, e.g. "222222222222")' })
  .check(z.regex(ACCOUNT_ID, 'must be a 12-digit AWS account id (quoted, e.g. "222222222222")'));

const parentId = z
  .string({ error: 'must be an organizational unit id (ou-…) or a root id (r-…)' })
  .check(
    z.refine(
      (id) => ORGANIZATIONAL_UNIT_ID.test(id) || ORGANIZATION_ROOT_ID.test(id),
      'must be an organizational unit id such as ou-ab12-cd34ef56 or a root id such as r-ab12',
    ),
  );

const region = z
  .string({ error: 'must be an AWS region such as us-east-1' })
  .check(z.regex(AWS_REGION_PATTERN, 'must be an AWS region such as us-east-1'));

/** A list without repeats: a repeated account or region is almost always a typo for another one. */
function unique<T extends z.ZodMiniType<string>>(item: T, what: string) {
  return z.array(item, { error: `must be a list of ${what}` }).check(
    z.superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        if (seen.has(value))
          ctx.addIssue({ code: 'custom', path: [index], message: `"${value}" is listed twice` });
        seen.add(value);
      });
    }),
  );
}

/**
 * Which accounts a rule or route covers: account ids, account aliases (the `accountAliases` below or
 * the account's name in Organizations), or organizational unit ids (an account under that OU, at any
 * depth). Absent: every governed account.
 */
export const accountRefs = z
  .array(
    z
      .string({ error: 'must be an account id, an account alias or an OU id' })
      .check(
        z.refine(
          (ref) => ACCOUNT_ID.test(ref) || ORGANIZATIONAL_UNIT_ID.test(ref) || ACCOUNT_ALIAS.test(ref),
          'must be a 12-digit account id, an account alias (3-63 of a-z 0-9 -) or an OU id (ou-…)',
        ),
      ),
    { error: 'must be a list of account ids, aliases or OU ids' },
  )
  .check(z.minLength(1, 'must list at least one account (leave the key out for every account)'));

export const organizationSection = z
  .strictObject({
    /** The governed accounts, listed. */
    accounts: z.optional(
      unique(accountId, 'account ids').check(z.minLength(1, 'must list at least one account')),
    ),
    /**
     * Or taken from Organizations: every ACTIVE account under these OUs (or roots), at any depth,
     * listed with ListOrganizationalUnitsForParent and ListAccountsForParent by the hub (which must
     * be the management account or a delegated administrator, or name `organizationsRoleArn`).
     */
    organizationalUnits: z.optional(
      unique(parentId, 'OU ids').check(z.minLength(1, 'must list at least one OU')),
    ),
    /** Never governed, even when listed or under a governed OU. */
    excludeAccounts: z._default(unique(accountId, 'account ids'), []),
    /** The governed regions, in every governed account. */
    regions: unique(region, 'regions').check(z.minLength(1, 'must list at least one region')),
    /** The member role the hub assumes in each governed account (the member stack creates it). */
    memberRoleName: z._default(
      z
        .string({ error: 'must be an IAM role name' })
        .check(z.regex(ROLE_NAME, 'must be an IAM role name (1-64 of letters, digits and +=,.@_-)')),
      'ecr-warden-member',
    ),
    /**
     * The organization id (o-…). When given, the member role trusts the hub's roles only with
     * `aws:PrincipalOrgID` equal to it, and the hub bus accepts events only from principals of it.
     */
    organizationId: z.optional(
      z
        .string({ error: 'must be an organization id such as o-a1b2c3d4e5' })
        .check(
          z.regex(
            ORGANIZATION_ID,
            'must be an organization id such as o-a1b2c3d4e5 (o- and 10-32 of a-z 0-9)',
          ),
        ),
    ),
    /**
     * A role in the management account (or a delegated administrator) that the hub assumes to list
     * the OUs' accounts, when the hub account itself cannot call Organizations.
     */
    organizationsRoleArn: z.optional(
      z
        .string({ error: 'must be an IAM role ARN' })
        .check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN')),
    ),
    /** Names for people (Slack, reports): account id → alias. Organizations' account names fill the rest. */
    accountAliases: z._default(
      z.record(
        accountId,
        z
          .string({ error: 'must be an account alias' })
          .check(z.regex(ACCOUNT_ALIAS, 'must be an account alias (3-63 of a-z, 0-9 and single "-")')),
      ),
      {},
    ),
  })
  .check(
    z.superRefine((section, ctx) => {
      if (section.accounts === undefined && section.organizationalUnits === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts'],
          message:
            'needs `accounts` (account ids) or `organizationalUnits` (OU ids): which accounts are governed',
        });
      }
      const excluded = new Set(section.excludeAccounts);
      const listed = section.accounts ?? [];
      if (
        section.organizationalUnits === undefined &&
        listed.length > 0 &&
        listed.every((id) => excluded.has(id))
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['excludeAccounts'],
          message: 'excludes every listed account: nothing would be governed',
        });
      }
    }),
  );

export type OrganizationConfig = z.output<typeof organizationSection>;
