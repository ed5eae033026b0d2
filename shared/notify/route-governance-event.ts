import { compileRepositoryRuleMatcher } from '../cleanup/select-repositories';
import {
  type GovernanceDetailType,
  type GovernanceEvent,
  type Severity,
  severityRank,
} from '../events/governance';

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
  readonly minSeverity: Severity;
  readonly stop: boolean;
}

export type GovernanceEventRouter = (event: GovernanceEvent) => NotificationRoute[];

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

  return (event) => {
    const repositoryName = 'repositoryName' in event.detail ? event.detail.repositoryName : undefined;
    const severity = severityRank(event.detail.severity);
    const selected: NotificationRoute[] = [];
    const webhooks = new Set<string>();
    for (const { route, detailTypes, coversRepository } of compiled) {
      if (detailTypes !== undefined && !detailTypes.has(event.detailType)) continue;
      if (severity < severityRank(route.minSeverity)) continue;
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
