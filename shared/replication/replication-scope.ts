import type { NotAudited, ReplicationDestination, ReplicationRuleView } from './replication-model';

/**
 * The destinations a repository replicates to: those of every rule one of whose PREFIX_MATCH filters
 * is a prefix of the repository name (a rule without filters covers every repository), each once.
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
 */
export function destinationsOf(
  rules: readonly ReplicationRuleView[],
  repositoryName: string,
): ReplicationDestination[] {
  const seen = new Map<string, ReplicationDestination>();
  for (const rule of rules) {
    const covered =
      rule.prefixes.length === 0 || rule.prefixes.some((prefix) => repositoryName.startsWith(prefix));
    if (!covered) continue;
    for (const destination of rule.destinations) seen.set(destinationKey(destination), destination);
  }
  return [...seen.values()];
}

export const destinationKey = (destination: ReplicationDestination): string =>
  `${destination.registryId}/${destination.region}`;

export interface AuditScopeInput {
  account: string;
  sourceRegion: string;
  rules: readonly ReplicationRuleView[];
  /** Every repository of the source registry. */
  repositoryNames: readonly string[];
  /** replication.destinationRegions: the regions the function may read (undefined: every region). */
  destinationRegions: readonly string[] | undefined;
  /** replication.repositoryPrefixes: the repositories the function may read (empty: all). */
  repositoryPrefixes: readonly string[];
}

export interface AuditScope {
  /** Destinations to audit: in this account and in a region the function may read. */
  destinations: ReplicationDestination[];
  /** Repositories to audit, each with the regions (among `destinations`) it replicates to. */
  repositories: { repositoryName: string; destinationRegions: string[] }[];
  /** Repositories a rule selects (whether or not they can be audited). */
  selected: number;
  notAudited: NotAudited[];
}

/**
 * Which repositories and destinations the audit covers. A destination in another account is not read
 * (the function's role belongs to this account), nor one outside replication.destinationRegions (the
 * role may not read it); repositories outside replication.repositoryPrefixes likewise. Each is reported
 * with the number of repositories it leaves unaudited.
 */
export function planAuditScope(input: AuditScopeInput): AuditScope {
  const allowedRegions =
    input.destinationRegions === undefined ? undefined : new Set(input.destinationRegions);
  const inPrefixes = (name: string) =>
    input.repositoryPrefixes.length === 0 ||
    input.repositoryPrefixes.some((prefix) => name.startsWith(prefix));

  const excluded = new Map<string, { entry: NotAudited; repositories: Set<string> }>();
  const exclude = (key: string, entry: NotAudited, repositoryName: string | undefined) => {
    let found = excluded.get(key);
    if (found === undefined) {
      found = { entry, repositories: new Set() };
      excluded.set(key, found);
    }
    if (repositoryName !== undefined) found.repositories.add(repositoryName);
  };
  const reasonFor = (destination: ReplicationDestination): NotAudited | undefined => {
    if (destination.registryId !== input.account) {
      return {
        kind: 'other-account',
        destinationRegion: destination.region,
        registryId: destination.registryId,
        reason: `destination registry ${destination.registryId} is another account: ecr-warden reads only its own account (${input.account})`,
      };
    }
    if (allowedRegions !== undefined && !allowedRegions.has(destination.region)) {
      return {
        kind: 'region-out-of-scope',
        destinationRegion: destination.region,
        registryId: destination.registryId,
        reason: `${destination.region} is not among the regions the audit may read (replication.destinationRegions)`,
      };
    }
    return undefined;
  };

  const destinations = new Map<string, ReplicationDestination>();
  const repositories: AuditScope['repositories'] = [];
  let selected = 0;
  for (const repositoryName of [...input.repositoryNames].sort()) {
    const wanted = destinationsOf(input.rules, repositoryName).filter(
      // A destination in the source's own region and account is refused by PutReplicationConfiguration;
      // ignore it rather than compare a repository with itself.
      (d) => !(d.region === input.sourceRegion && d.registryId === input.account),
    );
    if (wanted.length === 0) continue;
    selected += 1;
    if (!inPrefixes(repositoryName)) {
      exclude(
        'prefixes',
        {
          kind: 'outside-prefixes',
          reason:
            'selected by a replication rule but outside the prefixes the audit may read (replication.repositoryPrefixes)',
        },
        repositoryName,
      );
      continue;
    }
    const regions: string[] = [];
    for (const destination of wanted) {
      const reason = reasonFor(destination);
      if (reason !== undefined) {
        exclude(destinationKey(destination), reason, repositoryName);
        continue;
      }
      destinations.set(destinationKey(destination), destination);
      regions.push(destination.region);
    }
    if (regions.length > 0) repositories.push({ repositoryName, destinationRegions: regions.sort() });
  }
  // Destinations of rules that select no repository yet are still listed when excluded, so that the
  // report says why they are not audited.
  for (const rule of input.rules) {
    for (const destination of rule.destinations) {
      const reason = reasonFor(destination);
      if (reason !== undefined && !excluded.has(destinationKey(destination))) {
        exclude(destinationKey(destination), reason, undefined);
      }
    }
  }
  return {
    destinations: [...destinations.values()].sort((a, b) => a.region.localeCompare(b.region)),
    repositories,
    selected,
    notAudited: [...excluded.values()].map(({ entry, repositories: names }) => ({
      ...entry,
      repositories: names.size,
    })),
  };
}
