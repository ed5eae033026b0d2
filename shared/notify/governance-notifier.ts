import { EcrWardenError } from '../errors';
import type { GovernanceEvent } from '../events/governance';
import type { StructuredLogger } from '../logger';
import type { GovernedAccount } from '../organization/governed-accounts';
import { idempotencyKey } from '../state/state-keys';
import { isPermanentDeliveryRejection } from './delivery-rejection';
import { type GovernanceMessage, parseGovernanceMessage } from './governance-message';
import { renderSlackMessage, type SlackMessage } from './render-slack-message';
import { compileNotificationRoutes, eventAccount, type NotificationRoute } from './route-governance-event';

/**
 * Turns one notification queue message into Slack posts: parse and validate the governance event,
 * route it (./route-governance-event.ts), render it once, and post it to each route's webhook, at most
 * once per (event, route) across duplicate deliveries and retries.
 *
 * A message succeeds when every route it goes to has been posted or permanently rejected (now or by an
 * earlier delivery), or when no route wants it (counted in UnroutedGovernanceEvents and acknowledged).
 * A permanent rejection (./delivery-rejection.ts: 404 `no_service`, 403 `invalid_token`, 410
 * `channel_is_archived`, a 200 whose body is not `ok`, ...) is recorded in the delivery ledger with
 * Slack's status and error, logged at error level, counted in NotificationsRejected (an alarm watches
 * it) and never retried: retrying would fail the same way, and in the single FIFO message group it would
 * hold every later message back until all of them reached the dead-letter queue unposted.
 * A message fails, and goes back to the queue, when it is malformed or when a route failed transiently
 * (5xx, 429, timeouts, SSM, DynamoDB); the routes that were posted or rejected are remembered, so that
 * the redelivery tries only the rest. Every route is attempted even when an earlier one failed, so one
 * broken webhook does not hold the other channels back.
 *
 * The collaborators are ports; the adapters live in shared/aws (SSM, Slack, DynamoDB, CloudWatch).
 */

/** Webhook URLs by SSM parameter name (shared/aws/webhook-url-store.ts). */
export interface WebhookUrlSource {
  get(parameterName: string): Promise<string>;
}

/** Posts to one webhook, paced and retried (shared/aws/slack-webhook-client.ts). */
export interface SlackPoster {
  post(
    target: { url: string; webhookParameter: string },
    message: SlackMessage,
    options: {
      deadline: number;
      observer?: {
        rateLimited?(retryAfterMs: number): void;
        retrying?(attempt: number, problem: string, delayMs: number): void;
      };
    },
  ): Promise<{ attempts: number }>;
}

/** What became of one (event, route): posted, or refused by Slack for good (never retried). */
export type RouteDelivery =
  | { outcome: 'posted' }
  | { outcome: 'rejected'; status: number; slackError: string };

/**
 * Remembers which (event, route) deliveries are done, posted or permanently rejected
 * (shared/aws/slack-delivery-ledger.ts, on the state table's idempotency records). `runOnce` runs
 * `deliver` unless the key was done before, and then answers what the earlier delivery recorded; if
 * `deliver` throws, the key stays free for the redelivery.
 */
export interface DeliveryLedger {
  runOnce(
    key: string,
    deliver: () => Promise<RouteDelivery>,
  ): Promise<{ delivery: RouteDelivery; earlier: boolean }>;
}

export interface NotificationMetrics {
  delivered(route: string): void;
  failed(route: string): void;
  /** Slack refused a post for good; the route is not retried for that event. */
  rejected(route: string): void;
  unrouted(detailType: string): void;
  rateLimited(route: string): void;
}

/**
 * Under an Organizations hub (issue 15): the governed accounts as the directory knows them
 * (shared/aws/governed-directory.ts), so that a route's `accounts` can name an alias or an OU and every
 * message names its account. Absent (no `organization`): routes match the event's own account id and
 * messages are rendered exactly as before.
 */
export interface NotificationAccounts {
  lookUp(accountId: string): Promise<GovernedAccount | undefined>;
}

export interface GovernanceNotifierDependencies {
  routes: readonly NotificationRoute[];
  accounts?: NotificationAccounts;
  webhookUrls: WebhookUrlSource;
  slack: SlackPoster;
  ledger: DeliveryLedger;
  metrics: NotificationMetrics;
  logger: StructuredLogger;
}

export interface NotificationOutcome {
  eventId: string;
  detailType: GovernanceEvent['detailType'];
  /** Routes posted by this delivery. */
  posted: string[];
  /** Routes an earlier delivery had already posted. */
  duplicates: string[];
  /** Routes Slack refused for good, now or at an earlier delivery: not retried. */
  rejected: string[];
}

export interface GovernanceNotifier {
  /**
   * Handles one queue message. Never waits past `deadline` (epoch ms on the Slack client's clock).
   * Throws MalformedGovernanceMessageError or NotificationDeliveryError.
   */
  notify(message: { messageId: string; body: string }, deadline: number): Promise<NotificationOutcome>;
}

/** Metric dimension for messages that could not be read, hence belong to no route. */
export const MALFORMED_ROUTE = '(malformed)';

/** Some routes of an event could not be posted. The message returns to the queue. */
export class NotificationDeliveryError extends EcrWardenError {
  override name = 'NotificationDeliveryError';

  constructor(
    readonly eventId: string,
    readonly failures: readonly { route: string; error: unknown }[],
    routeCount: number,
  ) {
    super(
      `${failures.length} of ${routeCount} route(s) not posted for governance event ${eventId}: ${failures
        .map(({ route, error }) => `${route} (${describeError(error)})`)
        .join('; ')}`,
      { cause: failures[0]?.error },
    );
  }
}

/** The idempotency key of one post: the same event (EventBridge id) to the same route posts once. */
export function deliveryKey(routeName: string, eventId: string): string {
  return idempotencyKey('slack-notification', routeName, eventId);
}

export function createGovernanceNotifier(dependencies: GovernanceNotifierDependencies): GovernanceNotifier {
  const { webhookUrls, slack, ledger, metrics, logger } = dependencies;
  const routeEvent = compileNotificationRoutes(dependencies.routes);

  /** Posts to the route; a permanent rejection is an outcome to record, any other failure throws. */
  async function deliver(
    route: NotificationRoute,
    message: SlackMessage,
    deadline: number,
    context: Record<string, unknown>,
  ): Promise<RouteDelivery> {
    try {
      await post(route, message, deadline, context);
      return { outcome: 'posted' };
    } catch (error) {
      if (!isPermanentDeliveryRejection(error)) throw error;
      metrics.rejected(route.name);
      logger.error('Slack rejected the notification for good; recorded and not retried', {
        ...context,
        status: error.status,
        slackError: error.slackError,
        error,
      });
      return { outcome: 'rejected', status: error.status, slackError: error.slackError };
    }
  }

  async function post(
    route: NotificationRoute,
    message: SlackMessage,
    deadline: number,
    context: Record<string, unknown>,
  ): Promise<void> {
    const url = await webhookUrls.get(route.webhookParameter);
    const { attempts } = await slack.post({ url, webhookParameter: route.webhookParameter }, message, {
      deadline,
      observer: {
        rateLimited(retryAfterMs) {
          metrics.rateLimited(route.name);
          logger.warn('Slack rate-limited the post; waiting for Retry-After', { ...context, retryAfterMs });
        },
        retrying(attempt, problem, delayMs) {
          logger.warn('Slack post failed; retrying', { ...context, attempt, problem, delayMs });
        },
      },
    });
    logger.info('notification posted', { ...context, attempts });
  }

  return {
    async notify(queueMessage, deadline) {
      let governanceMessage: GovernanceMessage;
      try {
        governanceMessage = parseGovernanceMessage(queueMessage);
      } catch (error) {
        metrics.failed(MALFORMED_ROUTE);
        logger.error(
          'malformed governance event message; it fails now and reaches the DLQ after its last receive',
          {
            messageId: queueMessage.messageId,
            error,
          },
        );
        throw error;
      }

      const { eventId, event } = governanceMessage;
      const eventContext = {
        messageId: queueMessage.messageId,
        eventId,
        detailType: event.detailType,
        severity: event.detail.severity,
        ...('repositoryName' in event.detail ? { repositoryName: event.detail.repositoryName } : {}),
      };
      const outcome: NotificationOutcome = {
        eventId,
        detailType: event.detailType,
        posted: [],
        duplicates: [],
        rejected: [],
      };

      // The event's account as the directory knows it; its own alias when the directory has none.
      let account: GovernedAccount | undefined;
      if (dependencies.accounts !== undefined) {
        const known = await dependencies.accounts.lookUp(event.detail.account);
        const own = eventAccount(event);
        account = known === undefined ? own : { ...known, alias: known.alias ?? own.alias };
      }
      const routes = routeEvent(event, account);
      if (routes.length === 0) {
        metrics.unrouted(event.detailType);
        logger.info('governance event matched no notification route', eventContext);
        return outcome;
      }

      const { droppedLinks, ...message } = renderSlackMessage(
        event,
        account === undefined ? {} : { account },
      );
      for (const { field, reason } of droppedLinks) {
        logger.warn('link left out of the notification: not a safe URL', { ...eventContext, field, reason });
      }
      const failures: { route: string; error: unknown }[] = [];
      for (const route of routes) {
        const context = { ...eventContext, route: route.name, webhookParameter: route.webhookParameter };
        try {
          const { delivery, earlier } = await ledger.runOnce(deliveryKey(route.name, eventId), () =>
            deliver(route, message, deadline, context),
          );
          if (delivery.outcome === 'rejected') {
            outcome.rejected.push(route.name);
            if (earlier) {
              logger.info('notification rejected for good at an earlier delivery; not retried', {
                ...context,
                status: delivery.status,
                slackError: delivery.slackError,
              });
            }
          } else if (earlier) {
            outcome.duplicates.push(route.name);
            logger.info('notification already posted by an earlier delivery', context);
          } else {
            outcome.posted.push(route.name);
            metrics.delivered(route.name);
          }
        } catch (error) {
          metrics.failed(route.name);
          logger.error('notification not posted; the message returns to the queue', { ...context, error });
          failures.push({ route: route.name, error });
        }
      }
      if (failures.length > 0) throw new NotificationDeliveryError(eventId, failures, routes.length);
      return outcome;
    },
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
