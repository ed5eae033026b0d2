import type { LocalDynamoDb } from '../../local/state-table';
import { DYNAMODB_ENDPOINT_VARIABLE } from './dynamodb-endpoint';

/** Jest globalTeardown: stops the dynalite server that dynalite-global-setup.ts started. */
export default async function stopDynalite(): Promise<void> {
  const holder = globalThis as { __ecrWardenDynalite__?: LocalDynamoDb };
  const dynamoDb = holder.__ecrWardenDynalite__;
  if (dynamoDb === undefined) return;
  holder.__ecrWardenDynalite__ = undefined;
  delete process.env[DYNAMODB_ENDPOINT_VARIABLE];
  await dynamoDb.close();
}
