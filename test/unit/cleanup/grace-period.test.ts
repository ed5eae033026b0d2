import { applyGracePeriod, MS_PER_DAY } from '../../../shared/cleanup/grace-period';
import type { PlannedDeletion } from '../../../shared/cleanup/plan-repository-cleanup';

const NOW = Date.parse('2026-11-01T00:00:00Z');

function deletion(imageDigest: string): PlannedDeletion {
  return {
    imageDigest,
    imageTags: [],
    reason: { kind: 'expired-by-policy', rulePriority: 1 },
    bytes: 100,
    role: 'image',
    imagePushedAt: '2026-09-01T00:00:00.000Z',
    storageClass: 'standard',
  };
}

const noEdges = { children: new Map<string, string[]>(), referrers: new Map<string, string[]>() };
const daysAgo = (days: number) => NOW - days * MS_PER_DAY;

describe('applyGracePeriod', () => {
  it('marks what it finds eligible for the first time and deletes nothing yet', () => {
    const decision = applyGracePeriod([deletion('a'), deletion('b')], noEdges, new Map(), {
      now: NOW,
      gracePeriodDays: 7,
    });

    expect(decision.due).toEqual([]);
    expect(decision.toMark).toEqual(['a', 'b']);
    expect(decision.waiting.map((w) => [w.deletion.imageDigest, w.dueAt])).toEqual([
      ['a', NOW + 7 * MS_PER_DAY],
      ['b', NOW + 7 * MS_PER_DAY],
    ]);
  });

  it('deletes an image whose mark is at least the grace period old, and no other', () => {
    const marks = new Map([
      ['old', daysAgo(7)],
      ['recent', daysAgo(6)],
    ]);

    const decision = applyGracePeriod([deletion('old'), deletion('recent')], noEdges, marks, {
      now: NOW,
      gracePeriodDays: 7,
    });

    expect(decision.due.map((d) => d.imageDigest)).toEqual(['old']);
    expect(decision.waiting.map((w) => w.deletion.imageDigest)).toEqual(['recent']);
    expect(decision.toMark).toEqual([]);
  });

  it('holds an index back with its children until the newest mark among them is due', () => {
    const graph = {
      children: new Map([['index', ['child']]]),
      referrers: new Map([['index', ['signature']]]),
    };
    const marks = new Map([
      ['index', daysAgo(30)],
      ['child', daysAgo(30)],
    ]);

    const decision = applyGracePeriod(
      [deletion('index'), deletion('child'), deletion('signature')],
      graph,
      marks,
      {
        now: NOW,
        gracePeriodDays: 7,
      },
    );

    expect(decision.due).toEqual([]);
    expect(decision.toMark).toEqual(['signature']);
  });

  it('removes the marks of images that are no longer eligible, but not of those a cap postponed', () => {
    const marks = new Map([
      ['kept-now', daysAgo(3)],
      ['capped', daysAgo(3)],
      ['eligible', daysAgo(3)],
    ]);

    const decision = applyGracePeriod([deletion('eligible')], noEdges, marks, {
      now: NOW,
      gracePeriodDays: 7,
      postponed: new Set(['capped']),
    });

    expect(decision.toUnmark).toEqual(['kept-now']);
  });
});
