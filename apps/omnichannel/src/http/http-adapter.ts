import { FastifyAdapter } from '@nestjs/platform-fastify';
import { requestId } from '../observability/request-log';

/** What a command or channel event body may weigh: 100 KiB, as under Express before (issue 23); more is a 413. */
const BODY_LIMIT_BYTES = 100 * 1024;

/**
 * Fastify, set to answer as the service did under Express: URLs matched without regard to case or a trailing
 * slash, ids in paths as long as a client sends them (the id pipe, not the router, refuses a long one with a 400).
 */
export const httpAdapter = (): FastifyAdapter => {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Node's default, which Fastify turns off: a client gets 5 minutes to send its whole request.
    requestTimeout: 300_000,
    // Idle keep-alive connections, and the dashboard's event streams, must not hold a SIGTERM up.
    forceCloseConnections: true,
    // A `__proto__` or `constructor` key is left to the validation pipe, whose 400 names the field at fault.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    genReqId: requestId,
    // No Nest middleware: what runs before the routes is Fastify hooks (observability/operations.ts).
    skipMiddie: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 64 * 1024 },
  });
  // The `+json` types the cross-site guard lets through are JSON too (application/merge-patch+json, ...).
  const fastify = adapter.getInstance();
  fastify.addContentTypeParser(
    /^application\/[\w.-]+\+json\s*(;|$)/i,
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('ignore', 'ignore'),
  );
  return adapter;
};
