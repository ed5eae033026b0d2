import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { EcrWardenError } from '../errors';
import {
  GOVERNANCE_EVENT_SOURCE,
  type GovernanceEvent,
  type GovernanceEventSink,
  governanceDetailSchemas,
} from '../events/governance';
import { backoffDelay, type RetryTiming, sleep } from './backoff';
import { eventBridgeClient } from './eventbridge-client';

// PutEvents takes at most 10 entries a call, and an entry (and the request) must stay under 256 KB,
// sized as EventBridge sizes it: Time 14 bytes when set, then the UTF-8 bytes of Source, DetailType,
// Detail and each Resources entry.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

// PutEvents answers 200 with a per-entry ErrorCode for entries it did not accept (FailedEntryCount
// says how many). "Retryable errors include: InternalFailure, ThrottlingException"; the others
// (AccessDeniedException, InvalidArgument, MalformedDetail, NotAuthorizedFor...) fail the same way again.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException']);

/** A governance event whose detail does not match its schema: a bug in the detector that built it. */
export class GovernanceEventInvalidError extends EcrWardenError {
  override name = 'GovernanceEventInvalidError';
}

/** A governance event larger than PutEvents accepts: the detector must summarise it. */
export class GovernanceEventTooLargeError extends EcrWardenError {
  override name = 'GovernanceEventTooLargeError';
}

export interface RefusedEvent {
  detailType: string;
  errorCode: string;
  errorMessage: string;
}

/** Events EventBridge still refused after every retry. The invocation fails so that it is retried. */
export class GovernancePublishError extends EcrWardenError {
  override name = 'GovernancePublishError';
  constructor(
    readonly failed: readonly RefusedEvent[],
    readonly published: number,
  ) {
    const codes = [...new Set(failed.map((f) => f.errorCode))].join(', ');
    super(
      `${failed.length} governance event(s) not published after retries (${codes}); ${published} published`,
    );
  }
}

export function createGovernancePublisher(settings: {
  eventBusName: string;
  client?: EventBridgeClient;
  retry?: Partial<RetryTiming>;
}): GovernanceEventSink {
  const { eventBusName, client = eventBridgeClient } = settings;
  const timing: RetryTiming = {
    maxAttempts: 5,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
    sleep,
    random: Math.random,
    ...settings.retry,
  };

  /** Sends entries, retrying those refused with a retryable code; returns those still refused. */
  async function putWithRetries(entries: PutEventsRequestEntry[]): Promise<RefusedEvent[]> {
    const refused: RefusedEvent[] = [];
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) await timing.sleep(backoffDelay(attempt - 1, timing));
      const response = await client.send(new PutEventsCommand({ Entries: pending }));
      const retry: PutEventsRequestEntry[] = [];
      // Result entries are in request order; an entry with an ErrorCode was not accepted.
      pending.forEach((entry, index) => {
        const result: PutEventsResultEntry = response.Entries?.[index] ?? {
          ErrorCode: 'InternalFailure',
          ErrorMessage: 'PutEvents returned no result for this entry',
        };
        if (result.ErrorCode === undefined) return;
        if (RETRYABLE_ENTRY_ERRORS.has(result.ErrorCode) && attempt < timing.maxAttempts) {
          retry.push(entry);
        } else {
          refused.push({
            detailType: entry.DetailType ?? '',
            errorCode: result.ErrorCode,
            errorMessage: result.ErrorMessage ?? '',
          });
        }
      });
      pending = retry;
    }
    return refused;
  }

  return {
    /** Validates and publishes every event; resolves when all are accepted, rejects otherwise. */
    async publish(events) {
      const entries = events.map((event) => toEntry(event, eventBusName));
      const failed: RefusedEvent[] = [];
      for (const batch of batchEntries(entries)) failed.push(...(await putWithRetries(batch)));
      if (failed.length > 0) throw new GovernancePublishError(failed, entries.length - failed.length);
    },
  };
}

/** Validates an event against its detail-type's schema and builds its PutEvents entry. */
export function toEntry(event: GovernanceEvent, eventBusName: string): PutEventsRequestEntry {
  const parsed = governanceDetailSchemas[event.detailType].safeParse(event.detail);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'detail'}: ${issue.message}`,
    );
    throw new GovernanceEventInvalidError(`invalid "${event.detailType}" event: ${problems.join('; ')}`);
  }
  const entry: PutEventsRequestEntry = {
    EventBusName: eventBusName,
    Source: GOVERNANCE_EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(parsed.data),
  };
  const size = entrySize(entry);
  if (size >= PUT_EVENTS_MAX_BYTES) {
    throw new GovernanceEventTooLargeError(
      `"${event.detailType}" event is ${size} bytes; PutEvents accepts less than ${PUT_EVENTS_MAX_BYTES}`,
    );
  }
  return entry;
}

/** The entry's size as EventBridge computes it (see the page cited above). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text !== undefined) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/** Groups entries in order into calls of at most 10 entries and under 256 KB in all. */
export function batchEntries(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length === PUT_EVENTS_MAX_ENTRIES || currentBytes + size >= PUT_EVENTS_MAX_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
