import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Params } from 'nestjs-pino';
import pino from 'pino';
import pretty from 'pino-pretty';
import { Config } from '../config';

/** pretty for a person at a terminal, JSON lines for everything else (a collector, a file, a pipe). */
export const usesPrettyLogs = (config: Pick<Config, 'logFormat'>, stdout: { isTTY?: boolean }): boolean =>
  config.logFormat === undefined ? stdout.isTTY === true : config.logFormat === 'pretty';

/**
 * pino through nestjs-pino: Nest's own logs and ours as JSON lines on stdout. A request is logged when it
 * failed (4xx at info, 5xx at error); one that succeeded only at debug, so reads do not flood the log
 * (commands have a line of their own, from CommandObserver). Lines logged while serving a request carry its
 * `reqId` (the caller's X-Request-Id when given).
 */
export const loggerParams = (config: Pick<Config, 'logLevel' | 'logFormat'>, stdout = process.stdout): Params => ({
  pinoHttp: [
    {
      level: config.logLevel,
      quietReqLogger: true,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    logStream(config, stdout),
  ],
});

/** Query parameters whose value may be a credential (`access_token`, `id_token`, `api_key`, `password`, ...). */
const SECRET_PARAMETER = /token|secret|passw|pwd|auth|key|sig|session|credential|jwt|code/i;
/** A value shaped like a JWT is a credential whatever its parameter is called. */
const JWT_LIKE = /^eyJ[\w-]*\.[\w-]*\./;
export const REDACTED = '[REDACTED]';

/**
 * The URL as logged: credentials in the query string replaced (issue 22). The service takes tokens only in the
 * Authorization header, but a client may still send one in the URL, and the log must not keep it.
 */
export const redactUrl = (url: string): string => {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const redacted = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = safeDecode(pair.slice(0, eq));
      const value = safeDecode(pair.slice(eq + 1));
      return SECRET_PARAMETER.test(name) || JWT_LIKE.test(value) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    });
  return `${url.slice(0, at)}?${redacted.join('&')}`;
};

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

/** Where log lines go: stdout, as JSON lines, or through pino-pretty for a person. */
export const logStream = (config: Pick<Config, 'logFormat'>, stdout: NodeJS.WritableStream & { isTTY?: boolean }) =>
  usesPrettyLogs(config, stdout)
    ? pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: stdout })
    : // Buffered; pino flushes it when the process exits (main.ts exits through process.exit).
      pino.destination({ dest: 1, sync: false });
