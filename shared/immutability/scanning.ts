/**
 * Scanning, decided at the registry level: repository-level `scanOnPush` is deprecated and ignored
 * once the registry has scanning rules, so ecr-warden reads the effective frequency that
 * BatchGetRepositoryScanningConfiguration reports, and remediates by adding the repository to a
 * rule of the registry scanning configuration.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetRepositoryScanningConfiguration.html
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html
 */

export type ScanFrequency = 'SCAN_ON_PUSH' | 'CONTINUOUS_SCAN' | 'MANUAL';
export type RequiredScanFrequency = Exclude<ScanFrequency, 'MANUAL'>;

const SCAN_FREQUENCIES: ReadonlySet<string> = new Set<ScanFrequency>([
  'SCAN_ON_PUSH',
  'CONTINUOUS_SCAN',
  'MANUAL',
]);

/** A frequency this version knows: one ECR adds later is left out, and its baseline shows as unknown. */
export function isScanFrequency(value: string | undefined): value is ScanFrequency {
  return value !== undefined && SCAN_FREQUENCIES.has(value);
}

export interface RegistryScanningRule {
  scanFrequency: ScanFrequency;
  repositoryFilters: { filter: string; filterType: 'WILDCARD' }[];
}

export interface RegistryScanningConfiguration {
  scanType: 'BASIC' | 'ENHANCED';
  rules: RegistryScanningRule[];
}

// PutRegistryScanningConfiguration: at most 2 rules; RegistryScanningRule: 1-100 repository filters.
// ScanningRepositoryFilter.filter: 1-256 characters, pattern ^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$.
// "When the BASIC scan type is specified, the SCAN_ON_PUSH scan frequency is supported" (CONTINUOUS_SCAN
// needs ENHANCED, i.e. Amazon Inspector, billed separately).
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ScanningRepositoryFilter.html
export const MAX_SCANNING_RULES = 2;
export const MAX_FILTERS_PER_SCANNING_RULE = 100;
const SCANNING_FILTER_PATTERN = /^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$/;
const MAX_SCANNING_FILTER_LENGTH = 256;

/** Continuous scanning also scans on push, so it satisfies a scan-on-push requirement. */
export function satisfiesScanning(actual: ScanFrequency, required: RequiredScanFrequency): boolean {
  return required === 'SCAN_ON_PUSH'
    ? actual === 'SCAN_ON_PUSH' || actual === 'CONTINUOUS_SCAN'
    : actual === required;
}

export type ScanningPlan =
  | { ok: true; configuration: RegistryScanningConfiguration }
  | { ok: false; reason: string };

/**
 * The registry scanning configuration with `repositoryName` added (as an exact WILDCARD filter) to the
 * rule of the required frequency, everything else kept. PutRegistryScanningConfiguration replaces the
 * whole configuration, hence the read-modify-write. Refuses what would change more than this one
 * repository's scanning: switching the registry to ENHANCED, or a rule past its 100 filters.
 */
export function planScanningConfiguration(
  current: RegistryScanningConfiguration,
  repositoryName: string,
  required: RequiredScanFrequency,
): ScanningPlan {
  if (required === 'CONTINUOUS_SCAN' && current.scanType !== 'ENHANCED') {
    return {
      ok: false,
      reason:
        'continuous scanning needs the registry on ENHANCED scanning (Amazon Inspector); ecr-warden does not switch the scan type of a whole registry',
    };
  }
  if (repositoryName.length > MAX_SCANNING_FILTER_LENGTH || !SCANNING_FILTER_PATTERN.test(repositoryName)) {
    return { ok: false, reason: `"${repositoryName}" cannot be written as a scanning repository filter` };
  }
  const rules = current.rules.map((rule) => ({
    scanFrequency: rule.scanFrequency,
    repositoryFilters: rule.repositoryFilters.map((filter) => ({ ...filter })),
  }));
  const existing = rules.find((rule) => rule.scanFrequency === required);
  if (existing === undefined) {
    if (rules.length >= MAX_SCANNING_RULES) {
      return { ok: false, reason: `the registry already has ${MAX_SCANNING_RULES} scanning rules` };
    }
    rules.push({
      scanFrequency: required,
      repositoryFilters: [{ filter: repositoryName, filterType: 'WILDCARD' }],
    });
  } else {
    if (existing.repositoryFilters.some((filter) => filter.filter === repositoryName)) {
      return {
        ok: false,
        reason: `the ${required} rule already names ${repositoryName}; its effective scanning differs`,
      };
    }
    if (existing.repositoryFilters.length >= MAX_FILTERS_PER_SCANNING_RULE) {
      return {
        ok: false,
        reason: `the ${required} rule already has ${MAX_FILTERS_PER_SCANNING_RULE} filters; widen a filter instead`,
      };
    }
    existing.repositoryFilters.push({ filter: repositoryName, filterType: 'WILDCARD' });
  }
  return { ok: true, configuration: { scanType: current.scanType, rules } };
}

export function describeScanning(frequency: ScanFrequency): string {
  switch (frequency) {
    case 'SCAN_ON_PUSH':
      return 'scan on push';
    case 'CONTINUOUS_SCAN':
      return 'continuous scanning';
    case 'MANUAL':
      return 'no automatic scanning (MANUAL)';
  }
}
