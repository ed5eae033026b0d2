import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { InstalledSimulator } from '../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../local/registry-sim/simulator';
import { acceptPutEvents } from '../support/put-events-stub';
import type { Untouched } from './invalid-event';

/**
 * What a fault suite runs a handler against, fresh for each test: the registry simulator serving ECR,
 * ECS and Lambda, EventBridge a stub that records what is published, and the state table's document
 * client stubbed to go through to dynalite (a test may make one command fail). The file mocks
 * `shared/aws/dynamodb-client` with the dynalite module and loads its handler with loadHandler's
 * moduleRegistry 'test-file', so that these stubs patch the very clients the handler uses.
 * The SDK's backoff is random × base × 2^attempt: Math.random is 0, so no retry waits.
 */
export interface HandlerWorld {
  readonly sim: RegistrySimulator;
  readonly aws: InstalledSimulator;
  readonly state: AwsClientStub<DynamoDBDocumentClient>;
  readonly eventBridge: AwsClientStub<EventBridgeClient>;
  /** The PutEvents entries accepted during the current test. */
  readonly published: PutEventsRequestEntry[];
  /** What a rejected event must leave alone (expectRejectedAsInvalid): the simulator, the state, the bus. */
  untouched(): Untouched;
}

export function useHandlerWorld(options: { sample?: boolean } = {}): HandlerWorld {
  const eventBridge = mockClient(EventBridgeClient);
  const published: PutEventsRequestEntry[] = [];
  let state: AwsClientStub<DynamoDBDocumentClient> | undefined;
  let current: { sim: RegistrySimulator; aws: InstalledSimulator } | undefined;

  beforeAll(() => {
    const { stateDocumentClient } = require('../../shared/aws/dynamodb-client') as {
      stateDocumentClient: DynamoDBDocumentClient;
    };
    state = mockClient(stateDocumentClient);
  });
  beforeEach(() => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const sim = createRegistrySimulator();
    if (options.sample === true) sim.loadSample();
    current = { sim, aws: sim.install() };
    published.length = 0;
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake(acceptPutEvents(published));
    state?.reset();
    state?.send.callThrough();
  });
  afterEach(() => {
    current?.aws.restore();
    current = undefined;
    jest.restoreAllMocks();
  });

  const during = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useHandlerWorld(): ${what} exists during a test only`);
    return value;
  };
  return {
    get sim() {
      return during(current, 'the simulator').sim;
    },
    get aws() {
      return during(current, 'the simulator').aws;
    },
    get state() {
      return during(state, 'the state stub');
    },
    eventBridge,
    published,
    untouched() {
      return { aws: this.aws, mocks: [this.state], published };
    },
  };
}
