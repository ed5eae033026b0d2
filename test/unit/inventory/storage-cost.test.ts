import { monthlyArchiveSavingsUpperBound, monthlyStorageCost } from '../../../shared/inventory/storage-cost';

const GIB = 1024 ** 3;

describe('storage cost', () => {
  it('prices standard bytes at $0.10 and archived bytes at the archive rate of the first 150 TB, $0.10, per GB-month', () => {
    expect(monthlyStorageCost(10 * GIB)).toBeCloseTo(1.0, 10);
    expect(monthlyStorageCost(10 * GIB, 'archive')).toBeCloseTo(1.0, 10);
  });

  it('bounds what archiving saves at $0.03 per GB-month (archive beyond 150 TB costs $0.07)', () => {
    expect(monthlyArchiveSavingsUpperBound(100 * GIB)).toBeCloseTo(3.0, 10);
  });
});
