import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import {
  STATE_TABLE_ATTRIBUTE_DEFINITIONS,
  STATE_TABLE_BILLING_MODE,
  STATE_TABLE_KEY_SCHEMA,
} from '../../shared/state/table-definition';

/**
 * The local state store: dynalite (DynamoDB's API, in memory) on a free loopback port, and the state
 * table created from shared/state/table-definition.ts, the definition serverless.yml deploys. Used by
 * jest's global setup and by `npm run demo`.
 */
export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalDynamoDb(): Promise<LocalDynamoDb> {
  // Tables are ACTIVE at once instead of after dynalite's default 500 ms: a table per test stays cheap.
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      // Drop keep-alive sockets so that close() does not wait on them.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/**
 * A real DynamoDB client for a local endpoint: region us-east-1 and fake credentials (dynalite
 * checks that requests are signed, not by whom). Destroy it when done, or its sockets stay open.
 */
export function createLocalDynamoDbClient(
  endpoint: string,
  options: { maxAttempts?: number } = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALECRWARDEN', secretAccessKey: 'local-secret' },
    maxAttempts: options.maxAttempts ?? 3,
  });
}

/**
 * Creates a state table from the deployed definition and waits until it is ACTIVE. TTL cannot be
 * enabled (dynalite does not implement UpdateTimeToLive) and is not needed: the state store hides
 * expired items itself.
 */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<string> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [...STATE_TABLE_KEY_SCHEMA],
      AttributeDefinitions: [...STATE_TABLE_ATTRIBUTE_DEFINITIONS],
      BillingMode: STATE_TABLE_BILLING_MODE,
    }),
  );
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
