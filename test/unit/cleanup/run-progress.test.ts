import type { CleanupRunProgress } from '../../../shared/cleanup/cleanup-ports';
import { remainingDeletions, settleInFlightDeletions } from '../../../shared/cleanup/run-progress';

const record = (overrides: Partial<CleanupRunProgress> = {}): CleanupRunProgress => ({
  deletionLimit: 150,
  imagesInventoried: 300,
  imagesDeleted: 0,
  bytesReclaimed: 0,
  imagesAlreadyGone: 0,
  inFlight: [],
  ...overrides,
});

describe('settleInFlightDeletions', () => {
  it('counts the in-flight images the repository no longer holds as deleted by the run', () => {
    const progress = record({
      imagesDeleted: 100,
      bytesReclaimed: 1000,
      inFlight: [
        { imageDigest: 'gone-1', bytes: 7 },
        { imageDigest: 'kept', bytes: 11 },
        { imageDigest: 'gone-2', bytes: 5 },
      ],
    });

    const settled = settleInFlightDeletions(progress, new Set(['kept', 'other']));

    expect(settled).toEqual({ ...progress, imagesDeleted: 102, bytesReclaimed: 1012, inFlight: [] });
  });
});

describe('remainingDeletions', () => {
  it('takes what the run deleted and found already gone off its recorded limit, never below 0', () => {
    expect(remainingDeletions(record({ imagesDeleted: 100, imagesAlreadyGone: 20 }))).toBe(30);
    expect(remainingDeletions(record({ imagesDeleted: 160 }))).toBe(0);
    expect(remainingDeletions(record({ deletionLimit: null, imagesDeleted: 160 }))).toBeNull();
  });
});
