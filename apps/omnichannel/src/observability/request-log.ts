import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Level, Logger } from 'pino';
import { redactUrl } from './logging';

/** The caller's X-Request-Id when it gives a usable one, else a fresh UUID. */
export const requestId = (req: IncomingMessage): string => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
};

/**
 * An onRequest hook writing what pino-http wrote, without its two child loggers per request (issue 23): the
 * request's id in `X-Request-Id`, and once the response is done a line at debug (success), info (4xx) or error
 * (5xx) holding the request (its URL's credentials redacted), the status and the response time.
 */
export const requestLog =
  (logger: Logger) =>
  (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const response = reply.raw;
    response.setHeader('X-Request-Id', request.id);
    const started = Date.now();
    response.once('close', () => {
      const statusCode = response.statusCode;
      const level: Level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const line = {
        reqId: request.id,
        req: { id: request.id, method: request.method, url: redactUrl(request.url) },
        res: { statusCode },
        responseTime: Date.now() - started,
      };
      if (statusCode >= 500)
        logger.error({ ...line, err: new Error(`failed with status code ${statusCode}`) }, 'request errored');
      else
        logger[level](
          line,
          !request.raw.readableAborted && response.writableEnded ? 'request completed' : 'request aborted',
        );
    });
    done();
  };
