import { bundleDefines, bundledSources, organizationBundleDefines } from '../../../deploy/bundle-defines';
import { NO_OPTIONAL_IN_USE_SOURCES } from '../../support/no-in-use-sources';

const NONE = NO_OPTIONAL_IN_USE_SOURCES;

describe('bundle defines', () => {
  it('leaves every optional reader out of the bundles of a config that reads only ECS and Lambda', () => {
    expect(bundleDefines(NONE)).toEqual({
      ECR_WARDEN_BUNDLE_KUBERNETES: 'false',
      ECR_WARDEN_BUNDLE_WORKLOAD_ACCOUNTS: 'false',
      ECR_WARDEN_BUNDLE_BATCH: 'false',
      ECR_WARDEN_BUNDLE_APP_RUNNER: 'false',
      ECR_WARDEN_BUNDLE_EXTERNAL: 'false',
      ECR_WARDEN_BUNDLE_INSPECTOR: 'false',
    });
  });

  it('bundles the Kubernetes reader for local clusters and for clusters read in a workload account', () => {
    expect(bundledSources({ ...NONE, kubernetes: { clusters: 'all' } }).kubernetes).toBe(true);
    expect(bundledSources({ ...NONE, kubernetes: { clusters: [] } }).kubernetes).toBe(false);
    const remote = bundledSources({
      ...NONE,
      workloadAccounts: [{ account: '222222222222', kubernetesClusters: ['prod-eks'] }],
    });
    expect(remote).toMatchObject({ kubernetes: true, workloadAccounts: true });
  });

  it('bundles each other reader exactly when the config turns its source on', () => {
    expect(
      bundledSources({
        ...NONE,
        batch: true,
        appRunner: true,
        external: [{ bucket: 'b', key: 'k' }],
        inspectorInUseDays: 30,
      }),
    ).toEqual({
      kubernetes: false,
      workloadAccounts: false,
      batch: true,
      appRunner: true,
      external: true,
      inspector: true,
    });
  });

  it("bundles the hub's code only for a hub, and the Organizations listing only for one that takes its accounts from OUs", () => {
    expect(organizationBundleDefines(undefined)).toEqual({
      ECR_WARDEN_BUNDLE_ORGANIZATION: 'false',
      ECR_WARDEN_BUNDLE_ORGANIZATIONS: 'false',
    });
    expect(organizationBundleDefines({})).toEqual({
      ECR_WARDEN_BUNDLE_ORGANIZATION: 'true',
      ECR_WARDEN_BUNDLE_ORGANIZATIONS: 'false',
    });
    expect(organizationBundleDefines({ organizationalUnits: ['ou-ab12-cd34ef56'] })).toEqual({
      ECR_WARDEN_BUNDLE_ORGANIZATION: 'true',
      ECR_WARDEN_BUNDLE_ORGANIZATIONS: 'true',
    });
  });
});
