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
import {
  LOCAL_STARTUP_TIMEOUT_MS,
  LocalServerError,
  type LoopbackStartOptions,
  startOnLoopback,
} from '../loopback';

/** How the demo's messages and errors name this server. */
export const LOCAL_DYNAMODB_NAME = 'the local DynamoDB (dynalite)';

/**
 * The local state store: dynalite (DynamoDB's API, in memory) on a free loopback port, and the state
 * table created from shared/state/table-definition.ts, the definition serverless.yml deploys. Used by
 * jest's global setup and by `npm run demo`.
 */
export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite on a free loopback port and checks that it accepts a connection, each within
 * options.timeoutMs (5 s), or fails with a one-line LocalServerError (../loopback).
 */
export async function startLocalDynamoDb(options: LoopbackStartOptions = {}): Promise<LocalDynamoDb> {
  // Tables are ACTIVE at once instead of after dynalite's default 500 ms: a table per test stays cheap.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await startOnLoopback(server, LOCAL_DYNAMODB_NAME, options);
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
 * Request deadline of the local DynamoDB clients: a bound, not a budget. Under load (a 2-core CI
 * machine running jest's workers) dynalite can take seconds to answer a large batch; what must never
 * happen is a request that waits forever on a server that does not answer.
 */
export const LOCAL_REQUEST_TIMEOUT_MS = 60_000;

/**
 * A real DynamoDB client for a local endpoint: region us-east-1 and fake credentials (dynalite
 * checks that requests are signed, not by whom). Destroy it when done, or its sockets stay open.
 * Each attempt must connect within connectionTimeoutMs (5 s) and be answered within
 * requestTimeoutMs (LOCAL_REQUEST_TIMEOUT_MS; the SDK's own defaults wait forever), and there are
 * at most maxAttempts (3), so that a server that does not answer fails the call instead of hanging it.
 */
export function createLocalDynamoDbClient(
  endpoint: string,
  options: { maxAttempts?: number; connectionTimeoutMs?: number; requestTimeoutMs?: number } = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALECRWARDEN', secretAccessKey: 'local-secret' },
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? LOCAL_STARTUP_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? LOCAL_REQUEST_TIMEOUT_MS,
      // Without it, this version of the handler (@smithy/node-http-handler 4.14) only logs a warning
      // when requestTimeout passes and goes on waiting.
      throwOnRequestTimeout: true,
    },
  });
}

/**
 * Creates a state table from the deployed definition and waits until it is ACTIVE. TTL cannot be
 * enabled (dynalite does not implement UpdateTimeToLive) and is not needed: the state store hides
 * expired items itself.
 */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<string> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [...STATE_TABLE_KEY_SCHEMA],
        AttributeDefinitions: [...STATE_TABLE_ATTRIBUTE_DEFINITIONS],
        BillingMode: STATE_TABLE_BILLING_MODE,
      }),
    );
  } catch (error) {
    // Usually the first request a run makes to dynalite: say which server did not answer.
    const endpoint = await client.config.endpoint?.();
    const where = endpoint === undefined ? '' : ` at http://${endpoint.hostname}:${endpoint.port}`;
    const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    throw new LocalServerError(
      `could not create the state table ${tableName} on ${LOCAL_DYNAMODB_NAME}${where}: ${reason}`,
      { cause: error },
    );
  }
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
