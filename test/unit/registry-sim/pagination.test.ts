import { type PageLimits, paginate } from '../../../local/registry-sim/model/pagination';
import { SimulatedServiceError } from '../../../local/registry-sim/model/simulated-error';

const LIMITS: PageLimits = { min: 1, max: 1000, default: 100, errorCode: 'InvalidParameterException' };
const numbers = (count: number) => Array.from({ length: count }, (_, n) => n + 1);

function allPages(items: number[], maxResults?: number) {
  const pages: number[][] = [];
  let nextToken: string | undefined;
  do {
    const page = paginate(
      items,
      { maxResults, nextToken },
      { scope: 'test', limits: LIMITS, cursorOf: (n) => n },
    );
    pages.push(page.items);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return pages;
}

describe('paginate', () => {
  it.each([
    [250, 100, 3],
    [200, 100, 2],
    [1, 1, 1],
    [0, 10, 1],
    [1001, 1000, 2],
  ])('returns %i items in pages of %i: exactly %i pages, every item once', (count, size, expectedPages) => {
    const items = numbers(count);

    const pages = allPages(items, size);

    expect(pages).toHaveLength(expectedPages);
    expect(pages.flat()).toEqual(items);
  });

  it('answers 100 items a page when maxResults is left out', () => {
    const pages = allPages(numbers(150));

    expect(pages.map((page) => page.length)).toEqual([100, 50]);
  });

  it.each([0, 1001, -5, 2.5])('rejects maxResults %p', (maxResults) => {
    expect(() =>
      paginate(numbers(3), { maxResults }, { scope: 'test', limits: LIMITS, cursorOf: (n) => n }),
    ).toThrow(SimulatedServiceError);
  });

  it('continues after the last item returned even when items before it were removed meanwhile', () => {
    const items = numbers(10);
    const first = paginate(items, { maxResults: 4 }, { scope: 'test', limits: LIMITS, cursorOf: (n) => n });

    const withoutTwo = items.filter((n) => n !== 2);
    const second = paginate(
      withoutTwo,
      { maxResults: 4, nextToken: first.nextToken },
      { scope: 'test', limits: LIMITS, cursorOf: (n) => n },
    );

    expect(second.items).toEqual([5, 6, 7, 8]);
  });

  it('refuses a token issued for another listing, and a token that is not one', () => {
    const first = paginate(
      numbers(10),
      { maxResults: 4 },
      { scope: 'repo-a', limits: LIMITS, cursorOf: (n) => n },
    );

    const foreign = () =>
      paginate(
        numbers(10),
        { nextToken: first.nextToken },
        { scope: 'repo-b', limits: LIMITS, cursorOf: (n) => n },
      );
    const garbage = () =>
      paginate(
        numbers(10),
        { nextToken: 'not-a-token' },
        { scope: 'repo-a', limits: LIMITS, cursorOf: (n) => n },
      );

    expect(foreign).toThrow(/token is invalid/);
    expect(garbage).toThrow(/token is invalid/);
  });

  it('walks a descending listing in its own order', () => {
    const items = numbers(5).reverse();

    const first = paginate(
      items,
      { maxResults: 2 },
      { scope: 's', limits: LIMITS, cursorOf: (n) => n, order: 'desc' },
    );
    const second = paginate(
      items,
      { maxResults: 2, nextToken: first.nextToken },
      { scope: 's', limits: LIMITS, cursorOf: (n) => n, order: 'desc' },
    );

    expect([first.items, second.items]).toEqual([
      [5, 4],
      [3, 2],
    ]);
  });
});
