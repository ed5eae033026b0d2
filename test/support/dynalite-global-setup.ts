import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { DYNAMODB_ENDPOINT_VARIABLE } from './dynamodb-endpoint';

/**
 * Jest globalSetup: one dynalite server (DynamoDB's API, in memory) on a free loopback port for the
 * whole run. Workers are started after this and inherit the environment, so they find the endpoint in
 * DYNAMODB_ENDPOINT_VARIABLE. Each test creates its own table (test/support/state-table.ts), so
 * tests never see each other's items. Starting it costs about 35 ms (mostly loading the package).
 */
export default async function startDynalite(): Promise<void> {
  // Tables are ACTIVE at once instead of after dynalite's default 500 ms: a table per test stays cheap.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  process.env[DYNAMODB_ENDPOINT_VARIABLE] = `http://127.0.0.1:${port}`;
  // globalTeardown runs in this same process: hand it the server.
  (globalThis as { __ecrWardenDynalite__?: unknown }).__ecrWardenDynalite__ = server;
}
