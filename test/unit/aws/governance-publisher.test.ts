import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import {
  batchEntries,
  createGovernancePublisher,
  entrySize,
  GovernanceEventInvalidError,
  GovernanceEventTooLargeError,
  GovernancePublishError,
  toEntry,
} from '../../../shared/aws/governance-publisher';
import {
  GOVERNANCE_DETAIL_TYPES,
  type GovernanceEvent,
  governanceDetailSchemas,
} from '../../../shared/events/governance';
import { GOVERNANCE_FIXTURES, governanceEvent } from '../../support/fixtures';

const eventBridge = mockClient(EventBridgeClient);
const BUS = 'ecr-warden-test';

function tagMoved(n: number): GovernanceEvent {
  const event = governanceEvent('tag-moved');
  if (event.detailType === 'Tag Moved') event.detail.imageTag = `v1.0.${n}`;
  return event;
}

function createPublisher() {
  return createGovernancePublisher({
    eventBusName: BUS,
    client: new EventBridgeClient({ region: 'us-east-1' }),
    retry: { sleep: async () => undefined, random: () => 1 },
  });
}

/** Answers every PutEvents call, refusing the entries `refuse` picks with an error code. */
function answerPutEvents(
  refuse: (entry: PutEventsRequestEntry, call: number) => string | undefined = () => undefined,
) {
  let call = 0;
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    call += 1;
    const entries = input.Entries.map((entry, index) => {
      const errorCode = refuse(entry, call);
      return errorCode === undefined
        ? { EventId: `e-${call}-${index}` }
        : { ErrorCode: errorCode, ErrorMessage: errorCode };
    });
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  });
}

const sentEntries = () =>
  eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

beforeEach(() => {
  eventBridge.reset();
});

describe('governance event schemas', () => {
  it.each(GOVERNANCE_FIXTURES)('accepts the documented example of %s', (name) => {
    const event = governanceEvent(name);

    const result = governanceDetailSchemas[event.detailType].safeParse(event.detail);

    expect(result.success).toBe(true);
  });

  it('has a fixture for every detail-type', () => {
    const covered = GOVERNANCE_FIXTURES.map((name) => governanceEvent(name).detailType);

    expect(new Set(covered)).toEqual(new Set(GOVERNANCE_DETAIL_TYPES));
  });
});

describe('createGovernancePublisher', () => {
  it('publishes each event with source ecr-warden on the project bus, detail as JSON', async () => {
    answerPutEvents();

    await createPublisher().publish([governanceEvent('tag-moved')]);

    const [entry] = sentEntries()[0] ?? [];
    expect(entry).toMatchObject({ EventBusName: BUS, Source: 'ecr-warden', DetailType: 'Tag Moved' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ schemaVersion: 1, imageTag: 'v1.4.2' });
  });

  it('sends 23 events in 3 PutEvents calls of at most 10 entries, in order', async () => {
    answerPutEvents();

    await createPublisher().publish(Array.from({ length: 23 }, (_, n) => tagMoved(n)));

    const calls = sentEntries();
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    const tags = calls.flat().map((entry) => JSON.parse(entry.Detail ?? '{}').imageTag);
    expect(tags).toEqual(Array.from({ length: 23 }, (_, n) => `v1.0.${n}`));
  });

  it('retries only the entries refused with a retryable code, then succeeds', async () => {
    answerPutEvents((entry, call) =>
      call === 1 && JSON.parse(entry.Detail ?? '{}').imageTag === 'v1.0.1'
        ? 'ThrottlingException'
        : undefined,
    );

    await createPublisher().publish([tagMoved(0), tagMoved(1), tagMoved(2)]);

    const calls = sentEntries();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.map((entry) => JSON.parse(entry.Detail ?? '{}').imageTag)).toEqual(['v1.0.1']);
  });

  it('fails with the error codes when entries are still refused after every attempt', async () => {
    answerPutEvents(() => 'InternalFailure');

    const publishing = createPublisher().publish([tagMoved(0), tagMoved(1)]);

    await expect(publishing).rejects.toThrow(GovernancePublishError);
    await expect(publishing).rejects.toThrow(
      /2 governance event\(s\) not published after retries \(InternalFailure\)/,
    );
    expect(sentEntries()).toHaveLength(5);
  });

  it('does not retry an entry refused for good, and still publishes the others', async () => {
    answerPutEvents((entry) =>
      JSON.parse(entry.Detail ?? '{}').imageTag === 'v1.0.0' ? 'AccessDeniedException' : undefined,
    );

    const publishing = createPublisher().publish([tagMoved(0), tagMoved(1)]);

    await expect(publishing).rejects.toMatchObject({
      failed: [{ detailType: 'Tag Moved', errorCode: 'AccessDeniedException' }],
      published: 1,
    });
    expect(sentEntries()).toHaveLength(1);
  });

  it('refuses an event whose detail breaks its schema before sending anything, naming the field', async () => {
    answerPutEvents();
    const event = governanceEvent('tag-moved');
    if (event.detailType === 'Tag Moved') event.detail.newDigest = 'latest';

    const publishing = createPublisher().publish([tagMoved(0), event]);

    await expect(publishing).rejects.toThrow(GovernanceEventInvalidError);
    await expect(publishing).rejects.toThrow(/newDigest: must be a sha256 image digest/);
    expect(sentEntries()).toHaveLength(0);
  });
});

describe('batchEntries', () => {
  const entryOf = (bytes: number): PutEventsRequestEntry => ({
    Source: 'ecr-warden',
    DetailType: 'T',
    Detail: 'd'.repeat(bytes),
  });

  it('starts a new call before the entries of one call reach 256 KB', () => {
    const entries = [entryOf(100_000), entryOf(100_000), entryOf(100_000)];

    const batches = batchEntries(entries);

    expect(batches.map((batch) => batch.length)).toEqual([2, 1]);
  });

  it('counts the UTF-8 bytes of source, detail-type and detail, as EventBridge does', () => {
    const entry = { Source: 'ecr-warden', DetailType: 'Tag Moved', Detail: '{"é":1}' };

    expect(entrySize(entry)).toBe(10 + 9 + 8);
  });
});

describe('toEntry size limit', () => {
  it('refuses an event of 256 KB or more, which PutEvents would reject, before sending anything', async () => {
    answerPutEvents();
    const event = governanceEvent('vulnerability-digest');
    if (event.detailType === 'Vulnerability Digest') {
      event.detail.repositories = Array.from({ length: 200 }, (_, n) => ({
        repositoryName: `team/${'r'.repeat(240)}-${n}`,
        open: { CRITICAL: 1, HIGH: 2, MEDIUM: 3, LOW: 4, INFORMATIONAL: 5, UNDEFINED: 6, UNTRIAGED: 7 },
        newSinceYesterday: 1,
        resolvedSinceYesterday: 1,
      }));
      event.detail.expiringSuppressions = Array.from({ length: 100 }, (_, n) => ({
        vulnerability: `CVE-2026-${n}`,
        repositories: Array.from({ length: 40 }, (_, r) => `team-${r}/${'s'.repeat(200)}`),
        owner: 'team',
        expires: '2026-12-01',
        expired: false,
      }));
    }

    expect(() => toEntry(event, BUS)).toThrow(GovernanceEventTooLargeError);
    await expect(createPublisher().publish([tagMoved(0), event])).rejects.toThrow(
      /bytes; PutEvents accepts less than 262144/,
    );
    expect(sentEntries()).toHaveLength(0);
  });
});
