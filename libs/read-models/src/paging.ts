export interface PageRequest {
  /** -1: no limit. */
  limit: number;
  /** The cursor: the order key of the last item of the previous page. */
  after?: number;
}

export interface ListPage<T> {
  items: T[];
  /** Every match, on every page. */
  total: number;
  /** The cursor of the next page, when there is one. */
  next?: number;
}

/** `rows` holds up to one more than the page: its presence says there is a next page. */
export const paged = <R, T>(
  rows: R[],
  limit: number,
  total: number,
  key: (r: R) => number,
  view: (r: R, i: number) => T,
): ListPage<T> => {
  const items = limit < 0 ? rows : rows.slice(0, limit);
  return {
    items: items.map(view),
    total,
    ...(limit >= 0 && rows.length > limit && { next: key(items[items.length - 1]) }),
  };
};

/** The largest page the statistics' list endpoints give. */
export const MAX_PAGE = 200;

/** A page of a statistics list: its cursor is opaque. */
export interface Page<T> {
  items: T[];
  total: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}
