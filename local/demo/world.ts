import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createRegistrySimulator, type InstalledSimulator, type RegistrySimulator } from '../registry-sim';
import { type SlackReceiver, startSlackReceiver } from '../slack-receiver';
import {
  createLocalDynamoDbClient,
  createStateTable,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../state-table';
import { type DemoInUseWorld, plantInUseSources } from './in-use-world';
import { type DemoOrganizationWorld, plantOrganization } from './organization-world';
import { readSampleDocument } from './sample-document';

/**
 * The local world `npm run demo` runs ecr-warden's real handlers in: the sample registry in the
 * registry simulator (ECR, ECS, Lambda), the state table on dynalite, a Slack receiver on loopback,
 * and EventBridge and SQS stand-ins that record what the handlers send so that the next handler can
 * receive it, as the deployed rules and queues would deliver it. No network, no AWS credentials.
 * The in-use sources the demo config names beyond ECS and Lambda (EKS clusters behind Kubernetes API
 * stand-ins on loopback, a workload account, an external list in S3) are planted by in-use-world.ts.
 */
export interface DemoWorld {
  sim: RegistrySimulator;
  aws: InstalledSimulator;
  asOf: Date;
  account: string;
  region: string;
  stateTableName: string;
  slack: SlackReceiver;
  /** The EKS clusters, workload account and external list planted beside the sample registry. */
  inUse: DemoInUseWorld;
  /** The governed member account and the unreachable one (organization-world.ts). */
  organization: DemoOrganizationWorld;
  /** Governance events the handlers published, in order, as PutEvents entries. */
  governanceEvents: PutEventsRequestEntry[];
  /** Messages the handlers sent to each queue URL, in order (SendMessageBatch bodies). */
  queueMessages(queueUrl: string): string[];
  /** An SSM parameter the handlers may read (e.g. a Slack webhook URL pointing at the receiver). */
  setParameter(name: string, value: string): void;
  close(): Promise<void>;
}

export const DEMO_ACCOUNT = '123456789012';
export const DEMO_REGION = 'us-east-1';
export const DEMO_EVENT_BUS = 'ecr-warden-demo';
/** The handlers' credentials (the worker role's, to the simulator and the Kubernetes API stand-ins). */
const DEMO_CREDENTIALS = { accessKeyId: 'AKIDLOCALECRWARDEN', secretAccessKey: 'local-secret' };
export const queueUrlFor = (name: string) =>
  `https://sqs.${DEMO_REGION}.amazonaws.com/${DEMO_ACCOUNT}/ecr-warden-demo-${name}`;

export async function createDemoWorld(): Promise<DemoWorld> {
  const { dynamoDb, dynamoDbClient, stateTableName, slack } = await startLocalServers();
  const sim = createRegistrySimulator();
  sim.loadSample(readSampleDocument());
  const aws = sim.install();
  const asOf = new Date(sim.clock.now());
  let inUse: DemoInUseWorld;
  try {
    inUse = await plantInUseSources(sim, {
      account: DEMO_ACCOUNT,
      region: DEMO_REGION,
      credentials: DEMO_CREDENTIALS,
    });
  } catch (error) {
    aws.restore();
    dynamoDbClient.destroy();
    await slack.close();
    await dynamoDb.close();
    throw error;
  }

  const organization = plantOrganization(sim);

  const governanceEvents: PutEventsRequestEntry[] = [];
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    governanceEvents.push(...input.Entries);
    return {
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `demo-${governanceEvents.length}-${i}` })),
    };
  });

  const queues = new Map<string, string[]>();
  const sqs = mockClient(SQSClient);
  sqs
    .on(SendMessageBatchCommand)
    .callsFake((input: { QueueUrl: string; Entries: { Id: string; MessageBody: string }[] }) => {
      const messages = queues.get(input.QueueUrl) ?? [];
      messages.push(...input.Entries.map((entry) => entry.MessageBody));
      queues.set(input.QueueUrl, messages);
      return {
        Successful: input.Entries.map(({ Id }) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: '' })),
        Failed: [],
      };
    });

  const parameters = new Map<string, string>();
  const ssm = mockClient(SSMClient);
  ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
    const value = parameters.get(input.Name);
    if (value === undefined)
      throw new ParameterNotFound({ message: `parameter ${input.Name} not found`, $metadata: {} });
    return { Parameter: { Name: input.Name, Type: 'SecureString', Value: value, Version: 1 } };
  });

  // The handlers' AWS clients read these at cold start; the demo's endpoints are all local.
  Object.assign(process.env, {
    AWS_REGION: DEMO_REGION,
    // serverless.yml sets it from AWS::AccountId: the account the detectors govern.
    DEPLOYMENT_ACCOUNT_ID: DEMO_ACCOUNT,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
    STATE_TABLE_NAME: stateTableName,
    EVENT_BUS_NAME: DEMO_EVENT_BUS,
    POWERTOOLS_SERVICE_NAME: 'ecr-warden-demo',
    POWERTOOLS_DEV: 'false',
  });

  return {
    sim,
    aws,
    asOf,
    account: DEMO_ACCOUNT,
    region: DEMO_REGION,
    stateTableName,
    slack,
    inUse,
    organization,
    governanceEvents,
    queueMessages: (queueUrl) => [...(queues.get(queueUrl) ?? [])],
    setParameter: (name, value) => {
      parameters.set(name, value);
    },
    async close() {
      aws.restore();
      eventBridge.restore();
      sqs.restore();
      ssm.restore();
      await inUse.close();
      dynamoDbClient.destroy();
      await slack.close();
      await dynamoDb.close();
    },
  };
}

/**
 * dynalite with the state table, and the Slack receiver. Each starts, and answers, within a deadline
 * or fails with one line (local/loopback); when a step fails, what was already started is closed, or
 * its handles would keep the demo running.
 */
const DEMO_REQUEST_TIMEOUT_MS = 15_000;

async function startLocalServers(): Promise<{
  dynamoDb: LocalDynamoDb;
  dynamoDbClient: DynamoDBClient;
  stateTableName: string;
  slack: SlackReceiver;
}> {
  const dynamoDb = await startLocalDynamoDb();
  // The demo's one request of its own (CreateTable, on a fresh server) is quick or never comes: one
  // attempt (a retry after a late answer would find the table already there), answered within 15 s.
  const dynamoDbClient = createLocalDynamoDbClient(dynamoDb.endpoint, {
    maxAttempts: 1,
    requestTimeoutMs: DEMO_REQUEST_TIMEOUT_MS,
  });
  try {
    const stateTableName = await createStateTable(dynamoDbClient, 'ecr-warden-demo-state');
    const slack = await startSlackReceiver();
    return { dynamoDb, dynamoDbClient, stateTableName, slack };
  } catch (error) {
    dynamoDbClient.destroy();
    await dynamoDb.close();
    throw error;
  }
}
