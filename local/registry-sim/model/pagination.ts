import { serviceError } from './simulated-error';

/**
 * Paging as AWS list APIs do it: a page of at most `maxResults` items and an opaque `nextToken`
 * while more remain. A token remembers the last item returned (its cursor), not an offset, so that
 * items deleted between two calls do not make the next page skip others. A token is bound to the
 * listing that issued it: using it with another operation or repository is an error, as in AWS.
 */
export type Cursor = number | string;

export interface PageLimits {
  /** Inclusive bounds of maxResults and its default, as the operation documents them. */
  min: number;
  max: number;
  default: number;
  /** Values above `max` are answered with `max` items instead of rejected (Lambda's MaxItems). */
  clampAbove?: number;
  /** Error code for an out-of-range value or a foreign token. */
  errorCode: string;
  /** The request member names, for messages. */
  sizeField?: string;
  tokenField?: string;
}

export interface PageRequest {
  maxResults?: number | undefined;
  nextToken?: string | undefined;
}

export interface Page<Item> {
  items: Item[];
  nextToken: string | undefined;
}

interface TokenBody {
  /** What the token lists, e.g. `DescribeImages|123456789012|us-east-1|repo|ACTIVE|ANY`. */
  s: string;
  /** Cursor of the last item returned. */
  c: Cursor;
}

export function pageSize(request: PageRequest, limits: PageLimits): number {
  const value = request.maxResults;
  if (value === undefined) return limits.default;
  const field = limits.sizeField ?? 'maxResults';
  const ceiling = limits.clampAbove ?? limits.max;
  if (!Number.isInteger(value) || value < limits.min || value > ceiling) {
    throw serviceError(
      limits.errorCode,
      `Invalid parameter at '${field}' failed to satisfy constraint: 'Member must have value between ${limits.min} and ${ceiling}', got ${value}`,
    );
  }
  return Math.min(value, limits.max);
}

/**
 * One page of `items`, which must be sorted by `cursorOf` in `order`. `scope` names the listing
 * (operation and every parameter that shapes it).
 */
export function paginate<Item>(
  items: readonly Item[],
  request: PageRequest,
  options: { scope: string; limits: PageLimits; cursorOf: (item: Item) => Cursor; order?: 'asc' | 'desc' },
): Page<Item> {
  const size = pageSize(request, options.limits);
  let start = 0;
  if (request.nextToken !== undefined) {
    const after = decodeToken(request.nextToken, options.scope, options.limits);
    start = firstAfter(items, after, options.cursorOf, options.order ?? 'asc');
  }
  const end = Math.min(items.length, start + size);
  const pageItems = items.slice(start, end);
  const last = pageItems[pageItems.length - 1];
  return {
    items: pageItems,
    nextToken:
      end < items.length && last !== undefined
        ? encodeToken(options.scope, options.cursorOf(last))
        : undefined,
  };
}

export function encodeToken(scope: string, cursor: Cursor): string {
  const body: TokenBody = { s: scope, c: cursor };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decodeToken(token: string, scope: string, limits: PageLimits): Cursor {
  const field = limits.tokenField ?? 'nextToken';
  let body: Partial<TokenBody> | undefined;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    body = undefined;
  }
  if (body === undefined || body.s !== scope || (typeof body.c !== 'number' && typeof body.c !== 'string')) {
    throw serviceError(
      limits.errorCode,
      `Invalid parameter at '${field}': the token is invalid for this request`,
    );
  }
  return body.c;
}

/** Index of the first item whose cursor comes after `after` in the listing's order (binary search). */
function firstAfter<Item>(
  items: readonly Item[],
  after: Cursor,
  cursorOf: (item: Item) => Cursor,
  order: 'asc' | 'desc',
): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const item = items[mid] as Item;
    const cursor = cursorOf(item);
    const isAfter = order === 'asc' ? cursor > after : cursor < after;
    if (isAfter) high = mid;
    else low = mid + 1;
  }
  return low;
}
