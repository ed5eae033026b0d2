import { EcrWardenError } from '../errors';
import type { GovernanceEvent } from '../events/governance';
import { idempotencyKey } from '../state/state-keys';
import { type GovernanceMessage, parseGovernanceMessage } from './governance-message';
import { renderSlackMessage, type SlackMessage } from './render-slack-message';
import { compileNotificationRoutes, type NotificationRoute } from './route-governance-event';

/**
 * Turns one notification queue message into Slack posts: parse and validate the governance event,
 * route it (./route-governance-event.ts), render it once, and post it to each route's webhook, at most
 * once per (event, route) across duplicate deliveries and retries.
 *
 * A message succeeds when every route it goes to has been posted (now or by an earlier delivery), or
 * when no route wants it (counted in UnroutedGovernanceEvents and acknowledged). It fails, and goes back
 * to the queue, when it is malformed or when any route could not be posted; the routes that were posted
 * are remembered, so that the redelivery posts only the rest. Every route is attempted even when an
 * earlier one failed, so one broken webhook does not hold the other channels back.
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

/**
 * Remembers which (event, route) posts are done (shared/aws/slack-delivery-ledger.ts, on the state
 * table's idempotency records). `runOnce` runs `post` unless the key was done before; if `post` throws,
 * the key stays free for the redelivery.
 */
export interface DeliveryLedger {
  runOnce(key: string, post: () => Promise<void>): Promise<'posted' | 'duplicate'>;
}

export interface NotificationMetrics {
  delivered(route: string): void;
  failed(route: string): void;
  unrouted(detailType: string): void;
  rateLimited(route: string): void;
}

/** Structured logging (Powertools Logger): a constant message and a context object. */
export interface NotificationLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export interface GovernanceNotifierDependencies {
  routes: readonly NotificationRoute[];
  webhookUrls: WebhookUrlSource;
  slack: SlackPoster;
  ledger: DeliveryLedger;
  metrics: NotificationMetrics;
  logger: NotificationLogger;
}

export interface NotificationOutcome {
  eventId: string;
  detailType: GovernanceEvent['detailType'];
  /** Routes posted by this delivery. */
  posted: string[];
  /** Routes an earlier delivery had already posted. */
  duplicates: string[];
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
      };

      const routes = routeEvent(event);
      if (routes.length === 0) {
        metrics.unrouted(event.detailType);
        logger.info('governance event matched no notification route', eventContext);
        return outcome;
      }

      const message = renderSlackMessage(event);
      const failures: { route: string; error: unknown }[] = [];
      for (const route of routes) {
        const context = { ...eventContext, route: route.name, webhookParameter: route.webhookParameter };
        try {
          const result = await ledger.runOnce(deliveryKey(route.name, eventId), () =>
            post(route, message, deadline, context),
          );
          if (result === 'duplicate') {
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
