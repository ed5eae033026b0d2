import type { Server } from 'node:http';
import { DYNAMODB_ENDPOINT_VARIABLE } from './dynamodb-endpoint';

/** Jest globalTeardown: stops the dynalite server that dynalite-global-setup.ts started. */
export default async function stopDynalite(): Promise<void> {
  const holder = globalThis as { __ecrWardenDynalite__?: Server };
  const server = holder.__ecrWardenDynalite__;
  if (server === undefined) return;
  holder.__ecrWardenDynalite__ = undefined;
  delete process.env[DYNAMODB_ENDPOINT_VARIABLE];
  // Test workers are gone by now; drop any keep-alive socket so that close() does not wait on it.
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
