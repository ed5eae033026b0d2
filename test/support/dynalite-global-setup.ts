import { startLocalDynamoDb } from '../../local/state-table';
import { DYNAMODB_ENDPOINT_VARIABLE } from './dynamodb-endpoint';

/**
 * Jest globalSetup: one dynalite server (DynamoDB's API, in memory) on a free loopback port for the
 * whole run. Workers are started after this and inherit the environment, so they find the endpoint in
 * DYNAMODB_ENDPOINT_VARIABLE. Each test creates its own table (test/support/state-table.ts), so
 * tests never see each other's items. Starting it costs about 35 ms (mostly loading the package).
 */
export default async function startDynalite(): Promise<void> {
  const dynamoDb = await startLocalDynamoDb();
  process.env[DYNAMODB_ENDPOINT_VARIABLE] = dynamoDb.endpoint;
  // globalTeardown runs in this same process: hand it the server.
  (globalThis as { __ecrWardenDynalite__?: unknown }).__ecrWardenDynalite__ = dynamoDb;
}
