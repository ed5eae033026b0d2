import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStateDocumentClient } from '../../shared/aws/dynamodb-client';
import {
  STATE_TABLE_ATTRIBUTE_DEFINITIONS,
  STATE_TABLE_BILLING_MODE,
  STATE_TABLE_KEY_SCHEMA,
} from '../../shared/state/table-definition';
import { dynamoDbTestEndpoint } from './dynamodb-endpoint';

/**
 * A real DynamoDB client for the dynalite server of this jest run (see dynalite-global-setup.ts):
 * loopback endpoint, region us-east-1, fake credentials (dynalite checks that requests are signed,
 * not by whom). Destroy it after the tests (`client.destroy()`), or its sockets stay open.
 */
export function createTestDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: dynamoDbTestEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTESTECRWARDEN', secretAccessKey: 'test-secret' },
    // A failing call should fail the test at once, not after retries.
    maxAttempts: 1,
  });
}

let tableCount = 0;

/**
 * Creates a state table from shared/state/table-definition.ts (the definition serverless.yml deploys)
 * under a fresh name, and waits until it is ACTIVE. TTL cannot be enabled (dynalite does not implement
 * UpdateTimeToLive) and is not needed: the state store hides expired items itself.
 */
export async function createStateTable(client: DynamoDBClient): Promise<string> {
  tableCount += 1;
  const tableName = `ecr-warden-test-${process.pid}-${tableCount}-state`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [...STATE_TABLE_KEY_SCHEMA],
      AttributeDefinitions: [...STATE_TABLE_ATTRIBUTE_DEFINITIONS],
      BillingMode: STATE_TABLE_BILLING_MODE,
    }),
  );
  // dynalite runs with createTableMs 0: the table turns ACTIVE on the next tick or so.
  for (let attempt = 1; attempt <= 100; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return tableName;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`dynalite table ${tableName} did not become ACTIVE`);
}

export async function deleteStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}

export interface StateTableFixture {
  /** The table of the current test: created before it, deleted after it. */
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
}

/**
 * Registers jest hooks that give every test of the file its own empty state table on the dynalite
 * server, and one client for the file. Call it at the top of a describe block or file.
 */
export function useStateTable(): StateTableFixture {
  let client: DynamoDBClient | undefined;
  let documentClient: DynamoDBDocumentClient | undefined;
  let tableName: string | undefined;

  beforeAll(() => {
    client = createTestDynamoDbClient();
    documentClient = createStateDocumentClient(client);
  });
  beforeEach(async () => {
    tableName = await createStateTable(required(client, 'client'));
  });
  afterEach(async () => {
    if (client !== undefined && tableName !== undefined) await deleteStateTable(client, tableName);
    tableName = undefined;
  });
  afterAll(() => {
    client?.destroy();
    client = undefined;
    documentClient = undefined;
  });

  return {
    get tableName() {
      return required(tableName, 'tableName');
    },
    get client() {
      return required(client, 'client');
    },
    get documentClient() {
      return required(documentClient, 'documentClient');
    },
  };
}

function required<Value>(value: Value | undefined, name: string): Value {
  if (value === undefined) throw new Error(`useStateTable(): ${name} is only available inside a test`);
  return value;
}
