import { BadRequestException } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ListPage, PageRequest } from '#read-models';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** `limit` and `cursor` query parameters; anything else than what they allow is a 400 naming the parameter. */
export const pageRequest = (limit: string | undefined, cursor: string | undefined): PageRequest => {
  const page: PageRequest = { limit: DEFAULT_LIMIT };
  if (limit !== undefined) {
    if (!/^\d{1,7}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT)
      throw new BadRequestException({ message: `limit must be an integer from 1 to ${MAX_LIMIT}`, field: 'limit' });
    page.limit = Number(limit);
  }
  if (cursor !== undefined) {
    // Cursors are opaque to clients: the value of a `Link: rel="next"` this service gave.
    if (!/^\d{1,15}$/.test(cursor))
      throw new BadRequestException({
        message: 'cursor must be a cursor from a Link rel="next" header',
        field: 'cursor',
      });
    page.after = Number(cursor);
  }
  return page;
};

/**
 * `X-Total-Count` (every match, on every page) and, when there is more, `Link: <same query, next cursor>;
 * rel="next"`, relative to the request's own path so it works behind any gateway.
 */
export const pageHeaders = (
  request: FastifyRequest,
  reply: FastifyReply,
  page: ListPage<unknown>,
  limit: number,
): void => {
  void reply.header('X-Total-Count', String(page.total));
  if (page.next === undefined) return;
  const url = new URL(request.url, 'http://localhost');
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('cursor', String(page.next));
  void reply.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
};
