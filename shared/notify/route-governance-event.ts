import { compileRepositoryRuleMatcher } from '../cleanup/select-repositories';
import {
  type GovernanceDetailType,
  type GovernanceEvent,
  type Severity,
  severityRank,
} from '../events/governance';
import { coversAccount, type GovernedAccount } from '../organization/governed-accounts';

/**
 * Which Slack routes a governance event goes to, decided from the event and `notifications.routes` of
 * ecr-warden.yml alone.
 *
 * - **Fan-out**: every route whose filters all match receives the event, in file order.
 * - **stop**: a matching route with `stop: true` ends the walk; later routes are not considered (so a
 *   specific route placed first can take an event away from a catch-all placed after it).
 * - **One post per channel**: a webhook parameter receives the event once, for the first matching route
 *   that names it, even if later matching routes name the same parameter.
 * - Filters: `detailTypes` (absent: all), `minSeverity` (the event's severity is at least this one),
 *   `accounts` (ids, aliases or OU ids, issue 15: the event's `account`, the member account it is
 *   about, as the directory knows it: its alias and the OUs above it),
 *   `repositories` (picomatch globs with `!` exclusions, exactly as cleanup rules match them, see
 *   shared/cleanup/select-repositories.ts). An event without a repository (Vulnerability Digest,
 *   Replication Audit Report) matches only routes that have no `repositories` filter.
 * - No matching route: the result is empty; the caller counts and logs the event, and acknowledges it.
 */
export interface NotificationRoute {
  readonly name: string;
  /** SSM parameter holding the webhook URL. */
  readonly webhookParameter: string;
  readonly detailTypes?: readonly GovernanceDetailType[] | undefined;
  readonly repositories?: readonly string[] | undefined;
  readonly accounts?: readonly string[] | undefined;
  readonly minSeverity: Severity;
  readonly stop: boolean;
}

/**
 * `account`: the event's account as the directory knows it (alias, OUs); absent, the event's own
 * `account` and `accountAlias` are all that routes can match.
 */
export type GovernanceEventRouter = (
  event: GovernanceEvent,
  account?: GovernedAccount,
) => NotificationRoute[];

/** The event's account with what the event itself says of it (its alias), no OUs. */
export function eventAccount(event: GovernanceEvent): GovernedAccount {
  return { id: event.detail.account, alias: event.detail.accountAlias, parents: [] };
}

export function compileNotificationRoutes(routes: readonly NotificationRoute[]): GovernanceEventRouter {
  const compiled = routes.map((route) => ({
    route,
    detailTypes: route.detailTypes === undefined ? undefined : new Set(route.detailTypes),
    coversRepository:
      route.repositories === undefined
        ? undefined
        : (() => {
            const match = compileRepositoryRuleMatcher([{ repositories: route.repositories }]);
            return (repositoryName: string) => match(repositoryName) !== undefined;
          })(),
  }));

  return (event, account = eventAccount(event)) => {
    const repositoryName = 'repositoryName' in event.detail ? event.detail.repositoryName : undefined;
    const severity = severityRank(event.detail.severity);
    const selected: NotificationRoute[] = [];
    const webhooks = new Set<string>();
    for (const { route, detailTypes, coversRepository } of compiled) {
      if (detailTypes !== undefined && !detailTypes.has(event.detailType)) continue;
      if (severity < severityRank(route.minSeverity)) continue;
      if (!coversAccount(route.accounts, account)) continue;
      if (coversRepository !== undefined) {
        if (repositoryName === undefined || !coversRepository(repositoryName)) continue;
      }
      if (!webhooks.has(route.webhookParameter)) {
        webhooks.add(route.webhookParameter);
        selected.push(route);
      }
      if (route.stop) break;
    }
    return selected;
  };
}
