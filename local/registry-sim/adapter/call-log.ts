import type { SimulatedService } from './sdk-errors';

/** One request that reached the simulated service (each SDK retry is a request of its own). */
export interface CallRecord {
  service: SimulatedService;
  /** The operation, e.g. `DescribeImages`. */
  api: string;
  region: string;
  accountId: string;
  /** `ok`, or the error name the call failed with (e.g. `ThrottlingException`). */
  outcome: string;
}

export interface CallFilter {
  service?: SimulatedService;
  region?: string;
  accountId?: string;
  outcome?: string;
}

/** Every call the simulated services answered, for tests and benchmarks to count. */
export class CallLog {
  private entries: CallRecord[] = [];

  record(entry: CallRecord): void {
    this.entries.push(entry);
  }

  get records(): readonly CallRecord[] {
    return this.entries;
  }

  /** Calls of one API (or of all, without `api`) that match the filter. */
  count(api?: string, filter: CallFilter = {}): number {
    return this.entries.filter((entry) => (api === undefined || entry.api === api) && matches(entry, filter))
      .length;
  }

  /** Calls per API, e.g. `{ DescribeImages: 100, BatchDeleteImage: 3 }`. */
  byApi(filter: CallFilter = {}): Record<string, number> {
    return tally(this.entries.filter((entry) => matches(entry, filter)).map((entry) => entry.api));
  }

  /** Calls per region. */
  byRegion(filter: CallFilter = {}): Record<string, number> {
    return tally(this.entries.filter((entry) => matches(entry, filter)).map((entry) => entry.region));
  }

  reset(): void {
    this.entries = [];
  }
}

function matches(entry: CallRecord, filter: CallFilter): boolean {
  return (
    (filter.service === undefined || entry.service === filter.service) &&
    (filter.region === undefined || entry.region === filter.region) &&
    (filter.accountId === undefined || entry.accountId === filter.accountId) &&
    (filter.outcome === undefined || entry.outcome === filter.outcome)
  );
}

function tally(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
