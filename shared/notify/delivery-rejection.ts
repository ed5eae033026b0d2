/**
 * How the notifier tells a permanent rejection from a failure worth retrying, without knowing the Slack
 * client: the poster (shared/aws/slack-webhook-client.ts) throws an error that carries `permanent: true`
 * and what Slack answered.
 *
 * Permanent, for that webhook or that message (Slack refuses the same post again, so retrying holds the
 * FIFO message group for nothing): 400 `invalid_payload` / `invalid_blocks` / `no_text`, 403
 * `invalid_token` / `action_prohibited`, 404 `no_service` / `channel_not_found`, 410
 * `channel_is_archived`, and a 2xx whose body is not `ok`.
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling_errors
 * https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks
 * Transient (retried, bounded): 429 with Retry-After, 408, 5xx, network errors, timeouts.
 */
export interface PermanentDeliveryRejection {
  readonly permanent: true;
  /** HTTP status of Slack's answer. */
  readonly status: number;
  /** Slack's error code (the response body), e.g. `no_service`. */
  readonly slackError: string;
}

export function isPermanentDeliveryRejection(error: unknown): error is Error & PermanentDeliveryRejection {
  return (
    error instanceof Error &&
    'permanent' in error &&
    error.permanent === true &&
    'status' in error &&
    typeof error.status === 'number' &&
    'slackError' in error &&
    typeof error.slackError === 'string'
  );
}
