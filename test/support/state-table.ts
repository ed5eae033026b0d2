import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createLocalDynamoDbClient,
  createStateTable as createNamedStateTable,
  deleteStateTable,
} from '../../local/state-table';

export { deleteStateTable };

import { createStateDocumentClient } from '../../shared/aws/dynamodb-client';
import { dynamoDbTestEndpoint } from './dynamodb-endpoint';

/** A DynamoDB client for this jest run's dynalite server; a failing call fails the test at once. */
export function createTestDynamoDbClient(): DynamoDBClient {
  return createLocalDynamoDbClient(dynamoDbTestEndpoint(), { maxAttempts: 1 });
}

let tableCount = 0;

/** Creates an empty state table with a name no other test of this run uses. */
export async function createStateTable(client: DynamoDBClient): Promise<string> {
  tableCount += 1;
  return createNamedStateTable(client, `ecr-warden-test-${process.pid}-${tableCount}-state`);
}

/**
 * Registers jest hooks that create one state table for the whole file (named `tableName`, or a name no
 * other test of this run uses) and delete it after the file: for a handler, which reads
 * STATE_TABLE_NAME once, at its cold start. Call it at the top of the file.
 */
export function useFileStateTable(tableName?: string): { readonly tableName: string } {
  let client: DynamoDBClient | undefined;
  let created: string | undefined;

  beforeAll(async () => {
    client = createTestDynamoDbClient();
    created =
      tableName === undefined
        ? await createStateTable(client)
        : await createNamedStateTable(client, tableName);
  });
  afterAll(async () => {
    if (client !== undefined && created !== undefined) await deleteStateTable(client, created);
    client?.destroy();
    client = undefined;
  });

  return {
    get tableName() {
      if (created === undefined) throw new Error('useFileStateTable(): the table is created in beforeAll');
      return created;
    },
  };
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
