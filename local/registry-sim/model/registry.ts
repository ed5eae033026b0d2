import { type RepositorySettings, RepositoryState, validateRepositoryName } from './repository';
import { serviceError } from './simulated-error';
import { wildcardMatcher } from './tag-mutability';

export interface ReplicationDestination {
  region: string;
  registryId: string;
}

export interface ReplicationRule {
  destinations: ReplicationDestination[];
  /** PREFIX_MATCH filters; none: every repository. */
  repositoryFilters?: { filter: string; filterType: 'PREFIX_MATCH' }[];
}

export type ScanType = 'BASIC' | 'ENHANCED';
export type ScanFrequency = 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | 'MANUAL';

export interface ScanningRule {
  scanFrequency: ScanFrequency;
  repositoryFilters: { filter: string; filterType: 'WILDCARD' }[];
}

export interface ScanningConfiguration {
  scanType: ScanType;
  rules: ScanningRule[];
}

export interface EffectiveScanning {
  scanOnPush: boolean;
  scanFrequency: ScanFrequency;
  appliedScanFilters: { filter: string; filterType: 'WILDCARD' }[];
}

// PutReplicationConfiguration: at most 10 rules; a rule has 0-100 destinations and 1-100
// PREFIX_MATCH repository filters when it has any.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
const MAX_REPLICATION_RULES = 10;
const MAX_REPLICATION_DESTINATIONS = 100;
const MAX_REPOSITORY_FILTERS = 100;
// PutRegistryScanningConfiguration: at most 2 rules (one per frequency), 1-100 WILDCARD filters each.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ScanningRepositoryFilter.html
const MAX_SCANNING_RULES = 2;
const MAX_SCANNING_FILTERS = 100;

/** One private registry: an account in a region. */
export class RegistryState {
  readonly repositories = new Map<string, RepositoryState>();
  replicationRules: ReplicationRule[] = [];
  scanning: ScanningConfiguration = { scanType: 'BASIC', rules: [] };

  constructor(
    readonly accountId: string,
    readonly region: string,
  ) {}

  repository(name: string): RepositoryState {
    const repository = this.repositories.get(name);
    if (repository === undefined) {
      throw serviceError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${this.accountId}'`,
      );
    }
    return repository;
  }

  /** CreateRepository. https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html */
  createRepository(name: string | undefined, settings: RepositorySettings, now: number): RepositoryState {
    const valid = validateRepositoryName(name);
    if (this.repositories.has(valid)) {
      throw serviceError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${valid}' already exists in the registry with id '${this.accountId}'`,
      );
    }
    const repository = new RepositoryState(this.accountId, this.region, valid, now, settings);
    this.repositories.set(valid, repository);
    return repository;
  }

  /**
   * DeleteRepository: a repository that still holds images needs `force`.
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
   */
  deleteRepository(name: string, force: boolean): RepositoryState {
    const repository = this.repository(name);
    if (repository.images.size > 0 && !force) {
      throw serviceError(
        'RepositoryNotEmptyException',
        `The repository with name '${name}' in registry with id '${this.accountId}' cannot be deleted because it still contains images`,
      );
    }
    this.repositories.delete(name);
    return repository;
  }

  /** PutReplicationConfiguration replaces the registry's whole configuration. */
  setReplicationRules(rules: readonly ReplicationRule[] | undefined): ReplicationRule[] {
    const list = rules ?? [];
    if (list.length > MAX_REPLICATION_RULES) {
      throw serviceError(
        'InvalidParameterException',
        `A replication configuration can have at most ${MAX_REPLICATION_RULES} rules, got ${list.length}`,
      );
    }
    const copy = list.map((rule, index) => {
      const destinations = rule.destinations ?? [];
      if (destinations.length > MAX_REPLICATION_DESTINATIONS) {
        throw serviceError(
          'InvalidParameterException',
          `rules.${index + 1}.destinations: at most ${MAX_REPLICATION_DESTINATIONS}`,
        );
      }
      for (const destination of destinations) {
        if (
          !/^[0-9]{12}$/.test(destination.registryId ?? '') ||
          !/^[0-9a-z-]{2,25}$/.test(destination.region ?? '')
        ) {
          throw serviceError(
            'InvalidParameterException',
            `rules.${index + 1}.destinations: invalid region or registryId`,
          );
        }
        if (destination.region === this.region && destination.registryId === this.accountId) {
          throw serviceError(
            'InvalidParameterException',
            'A replication destination cannot be the source registry itself',
          );
        }
      }
      const filters = rule.repositoryFilters;
      if (filters !== undefined && (filters.length < 1 || filters.length > MAX_REPOSITORY_FILTERS)) {
        throw serviceError(
          'InvalidParameterException',
          `rules.${index + 1}.repositoryFilters: 1 to ${MAX_REPOSITORY_FILTERS} filters`,
        );
      }
      for (const filter of filters ?? []) {
        if (
          filter.filterType !== 'PREFIX_MATCH' ||
          typeof filter.filter !== 'string' ||
          filter.filter.length < 2
        ) {
          throw serviceError(
            'InvalidParameterException',
            `rules.${index + 1}.repositoryFilters: filterType must be PREFIX_MATCH with a filter of at least 2 characters`,
          );
        }
      }
      const copied: ReplicationRule = {
        destinations: destinations.map((d) => ({ region: d.region, registryId: d.registryId })),
      };
      if (filters !== undefined) {
        copied.repositoryFilters = filters.map((f) => ({ filter: f.filter, filterType: 'PREFIX_MATCH' }));
      }
      return copied;
    });
    this.replicationRules = copy;
    return copy;
  }

  /**
   * Destinations a push to `repositoryName` replicates to: every rule whose PREFIX_MATCH filter is a
   * prefix of the name (a rule without filters matches every repository), each destination once.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
   */
  replicationDestinationsFor(repositoryName: string): ReplicationDestination[] {
    const seen = new Map<string, ReplicationDestination>();
    for (const rule of this.replicationRules) {
      const filters = rule.repositoryFilters ?? [];
      const matches = filters.length === 0 || filters.some((f) => repositoryName.startsWith(f.filter));
      if (!matches) continue;
      for (const destination of rule.destinations) {
        seen.set(`${destination.registryId}/${destination.region}`, destination);
      }
    }
    return [...seen.values()];
  }

  setScanning(
    scanType: string | undefined,
    rules: readonly ScanningRule[] | undefined,
  ): ScanningConfiguration {
    const type = scanType ?? 'BASIC';
    if (type !== 'BASIC' && type !== 'ENHANCED') {
      throw serviceError('InvalidParameterException', `scanType must be BASIC or ENHANCED, got ${type}`);
    }
    const list = rules ?? [];
    if (list.length > MAX_SCANNING_RULES) {
      throw serviceError('InvalidParameterException', `At most ${MAX_SCANNING_RULES} scanning rules`);
    }
    const copy = list.map((rule, index) => {
      // "When the BASIC scan type is specified, the SCAN_ON_PUSH scan frequency is supported";
      // ENHANCED supports CONTINUOUS_SCAN and SCAN_ON_PUSH. (API_RegistryScanningRule)
      const allowed = type === 'BASIC' ? ['SCAN_ON_PUSH'] : ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'];
      if (!allowed.includes(rule.scanFrequency)) {
        throw serviceError(
          'ValidationException',
          `rules.${index + 1}.scanFrequency ${rule.scanFrequency} is not supported with scan type ${type}`,
        );
      }
      const filters = rule.repositoryFilters ?? [];
      if (filters.length < 1 || filters.length > MAX_SCANNING_FILTERS) {
        throw serviceError(
          'InvalidParameterException',
          `rules.${index + 1}.repositoryFilters: 1 to ${MAX_SCANNING_FILTERS} filters`,
        );
      }
      return {
        scanFrequency: rule.scanFrequency,
        repositoryFilters: filters.map((f) => ({ filter: f.filter, filterType: 'WILDCARD' as const })),
      };
    });
    this.scanning = { scanType: type, rules: copy };
    return this.scanning;
  }

  /**
   * The scanning a repository gets, as BatchGetRepositoryScanningConfiguration reports it: the
   * registry's rules decide; with ENHANCED scanning continuous scanning wins over scan on push; a
   * repository no rule matches is scanned manually. With BASIC scanning and no registry rule the
   * deprecated repository-level scanOnPush still applies.
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
   */
  effectiveScanning(repository: RepositoryState): EffectiveScanning {
    const matching = (frequency: ScanFrequency) =>
      this.scanning.rules
        .filter((rule) => rule.scanFrequency === frequency)
        .flatMap((rule) => rule.repositoryFilters.filter((f) => wildcardMatcher(f.filter)(repository.name)));
    const continuous = this.scanning.scanType === 'ENHANCED' ? matching('CONTINUOUS_SCAN') : [];
    if (continuous.length > 0) {
      return { scanOnPush: true, scanFrequency: 'CONTINUOUS_SCAN', appliedScanFilters: continuous };
    }
    const onPush = matching('SCAN_ON_PUSH');
    if (onPush.length > 0)
      return { scanOnPush: true, scanFrequency: 'SCAN_ON_PUSH', appliedScanFilters: onPush };
    if (this.scanning.scanType === 'BASIC' && this.scanning.rules.length === 0 && repository.scanOnPush) {
      return { scanOnPush: true, scanFrequency: 'SCAN_ON_PUSH', appliedScanFilters: [] };
    }
    return { scanOnPush: false, scanFrequency: 'MANUAL', appliedScanFilters: [] };
  }
}
