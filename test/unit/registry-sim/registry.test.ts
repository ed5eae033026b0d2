import { RegistryState } from '../../../local/registry-sim/model/registry';
import { SimulatedServiceError } from '../../../local/registry-sim/model/simulated-error';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const WEST = { region: 'us-west-2', registryId: '123456789012' };
const EU = { region: 'eu-west-1', registryId: '123456789012' };

describe('RegistryState replication rules', () => {
  it('replicates a repository whose name starts with a PREFIX_MATCH filter, each destination once', () => {
    const registry = new RegistryState('123456789012', 'us-east-1');
    registry.setReplicationRules([
      { destinations: [WEST], repositoryFilters: [{ filter: 'payments/', filterType: 'PREFIX_MATCH' }] },
      { destinations: [WEST, EU], repositoryFilters: [{ filter: 'pay', filterType: 'PREFIX_MATCH' }] },
    ]);

    expect(registry.replicationDestinationsFor('payments/api')).toEqual([WEST, EU]);
    expect(registry.replicationDestinationsFor('web/payments')).toEqual([]);
  });

  it('replicates every repository for a rule without filters', () => {
    const registry = new RegistryState('123456789012', 'us-east-1');
    registry.setReplicationRules([{ destinations: [EU] }]);

    expect(registry.replicationDestinationsFor('anything')).toEqual([EU]);
  });

  it('refuses more than 10 rules and the source registry as a destination', () => {
    const registry = new RegistryState('123456789012', 'us-east-1');
    const eleven = Array.from({ length: 11 }, () => ({ destinations: [WEST] }));

    expect(() => registry.setReplicationRules(eleven)).toThrow(SimulatedServiceError);
    expect(() =>
      registry.setReplicationRules([{ destinations: [{ region: 'us-east-1', registryId: '123456789012' }] }]),
    ).toThrow(/cannot be the source/);
  });
});

describe('RegistryState effective scanning', () => {
  it('prefers continuous scanning over scan on push with enhanced scanning, and falls back to manual', () => {
    const registry = new RegistryState('123456789012', 'us-east-1');
    registry.setScanning('ENHANCED', [
      { scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'prod-*', filterType: 'WILDCARD' }] },
      { scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: 'prod-*', filterType: 'WILDCARD' }] },
    ]);
    const prod = registry.createRepository('prod-api', {}, NOW);
    const dev = registry.createRepository('dev-api', {}, NOW);

    expect(registry.effectiveScanning(prod).scanFrequency).toBe('CONTINUOUS_SCAN');
    expect(registry.effectiveScanning(dev)).toEqual({
      scanOnPush: false,
      scanFrequency: 'MANUAL',
      appliedScanFilters: [],
    });
  });

  it('refuses continuous scanning with the BASIC scan type', () => {
    const registry = new RegistryState('123456789012', 'us-east-1');

    expect(() =>
      registry.setScanning('BASIC', [
        { scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] },
      ]),
    ).toThrow(SimulatedServiceError);
  });

  it('refuses a repository name ECR would refuse, and a second repository of the same name', () => {
    const registry = new RegistryState('123456789012', 'us-east-1');
    registry.createRepository('team/app', {}, NOW);

    expect(() => registry.createRepository('Team/App', {}, NOW)).toThrow(/repositoryName/);
    expect(() => registry.createRepository('team/app', {}, NOW)).toThrow(/already exists/);
  });
});
