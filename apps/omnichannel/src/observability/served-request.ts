import { AsyncLocalStorage } from 'node:async_hooks';
import { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** The id of the request whose handler is running, for every line logged meanwhile. */
const served = new AsyncLocalStorage<string>();

/** A pino mixin: `reqId` on the lines logged while a request is served, nothing elsewhere. */
export const servedRequestId = (): { reqId?: string } => {
  const reqId = served.getStore();
  return reqId === undefined ? {} : { reqId };
};

/** A preHandler hook: Fastify calls the route's handler from `done`, so the handler and what it awaits run inside. */
export const serveWithRequestId = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) =>
  served.run(request.id, done);
