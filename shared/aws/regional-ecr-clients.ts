import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr';

/**
 * ECR clients by region, each created the first time its region is asked for and reused afterwards
 * (one connection pool and one credential resolution per region for the life of the execution
 * environment). The replication audit reads the source region and every destination region.
 *
 * Adaptive retry, as for the single-region client (shared/aws/ecr-client.ts): ECR publishes no TPS for
 * the Describe/Get operations and answers bursts with ThrottlingException; a throttled region slows
 * only its own client. https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export interface RegionalEcrClients {
  clientFor(region: string): ECRClient;
}

export function createRegionalEcrClients(config: Omit<ECRClientConfig, 'region'> = {}): RegionalEcrClients {
  const clients = new Map<string, ECRClient>();
  return {
    clientFor(region) {
      let client = clients.get(region);
      if (client === undefined) {
        client = new ECRClient({ retryMode: 'adaptive', maxAttempts: 8, ...config, region });
        clients.set(region, client);
      }
      return client;
    },
  };
}

/** The execution environment's clients. */
export const regionalEcrClients = createRegionalEcrClients();
