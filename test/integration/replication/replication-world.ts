import {
  createRegistrySimulator,
  type InstalledSimulator,
  imageManifest,
  type RegistrySimulator,
  type RepositoryInput,
} from '../../../local/registry-sim';
import { createRegionalEcrClients } from '../../../shared/aws/regional-ecr-clients';
import { createReplicationRegistryReaders } from '../../../shared/aws/replication-registry';
import type { AuditSettings } from '../../../shared/replication/audit-replication';

export const ACCOUNT = '123456789012';
export const SOURCE = 'us-east-1';
export const WEST = 'us-west-2';
export const EU = 'eu-west-1';
export const AS_OF = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

/** The settings every repository of a matching world has, in every region. */
export const SETTINGS: RepositoryInput = {
  imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
  imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
  encryptionType: 'KMS',
  lifecyclePolicyText:
    '{"rules":[{"rulePriority":1,"description":"untagged after 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}',
  repositoryPolicyText:
    '{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["ecr:BatchGetImage"]}]}',
};

export const AUDIT_SETTINGS: AuditSettings = {
  destinationRegions: [WEST, EU],
  repositoryPrefixes: [],
  ruleCreatedAt: {},
  inFlightMinutes: 30,
  lagWindowHours: 168,
  statusChecksPerRepository: 100,
};

export interface ReplicationWorld {
  sim: RegistrySimulator;
  env: InstalledSimulator;
  /** A repository in the source and, with the same settings (or `replica` overrides), in each destination. */
  repository(name: string, replica?: Partial<RepositoryInput>): void;
  /** The replication rule: repositories under `prefixes` go to us-west-2 and eu-west-1. */
  replicate(prefixes?: string[]): void;
  /** PutImage in the source (replicated as ECR does once a rule exists), `daysAgo` before the audit. */
  push(repositoryName: string, seed: string, tags: string[], daysAgo: number): string;
  /** Readers over fresh clients (one per region), as the handler builds them. */
  readers(): ReturnType<typeof createReplicationRegistryReaders>;
}

/**
 * A simulated account with a source region (us-east-1) and two destination regions, installed behind
 * the real SDK clients. Built afresh for every test.
 */
export function createReplicationWorld(): ReplicationWorld {
  const sim = createRegistrySimulator({ asOf: AS_OF });
  const env = sim.install();
  return {
    sim,
    env,
    repository(name, replica = {}) {
      sim.addRepository(name, { ...SETTINGS, createdAt: new Date(AS_OF.getTime() - 400 * DAY) });
      for (const region of [WEST, EU]) {
        sim.addRepository(name, {
          ...SETTINGS,
          createdAt: new Date(AS_OF.getTime() - 400 * DAY),
          ...replica,
          region,
        });
      }
    },
    replicate(prefixes = ['payments/']) {
      sim.setReplicationRules([
        {
          destinations: [WEST, EU].map((region) => ({ region, registryId: ACCOUNT })),
          repositoryFilters: prefixes.map((filter) => ({ filter, filterType: 'PREFIX_MATCH' as const })),
        },
      ]);
    },
    push(repositoryName, seed, tags, daysAgo) {
      const result = sim.pushImage({
        repositoryName,
        manifest: imageManifest({ seed }),
        tags,
        pushedAt: new Date(AS_OF.getTime() - daysAgo * DAY),
      });
      return result.image.digest;
    },
    readers: () => createReplicationRegistryReaders(createRegionalEcrClients()),
  };
}
