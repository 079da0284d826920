import { Params } from 'nestjs-pino';
import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';
import { Config } from '../config';

/** pretty for a person at a terminal, JSON lines for everything else (a collector, a file, a pipe). */
export const usesPrettyLogs = (config: Pick<Config, 'logFormat'>, stdout: { isTTY?: boolean }): boolean =>
  config.logFormat === undefined ? stdout.isTTY === true : config.logFormat === 'pretty';

/**
 * pino through nestjs-pino: Nest's own logs and ours as JSON lines on stdout. A request's lines carry its `reqId`
 * (the caller's X-Request-Id when given): its own line (a failed request at info or error, one that succeeded only
 * at debug, so reads do not flood the log), written by request-log.ts, not pino-http (issue 23), so no middleware
 * runs per request; the line of each command it sent, from CommandObserver (served-request.ts); its error line.
 */
export const loggerParams = (config: Pick<Config, 'logLevel' | 'logFormat'>, stdout = process.stdout): Params => ({
  pinoHttp: { logger: pino({ level: config.logLevel }, logStream(config, stdout)) },
  forRoutes: [],
});

/** The logger behind every line, for the hooks outside Nest's modules (request-log.ts). */
export const serviceLogger = (params: Params): Logger => (params.pinoHttp as { logger: Logger }).logger;

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
