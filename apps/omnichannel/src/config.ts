import { hostname } from 'node:os';
import { AuthSettings, readAuthSettings } from './auth/auth-settings';

/** Contract section 5: everything the service reads from its environment. */
export interface Config {
  port: number;
  /** The interface to listen on: loopback unless authentication is on or OMNICHANNEL_ALLOW_UNAUTHENTICATED says so. */
  host: string;
  /** Unset: no authentication (every request is trusted, so the service listens on loopback only). */
  auth?: AuthSettings;
  /** Without authentication, Host names served beside loopback (OMNICHANNEL_ALLOWED_HOSTS, and a named listen host). */
  allowedHosts: string[];
  /** Without authentication, web origins allowed to call the service beside its own page (OMNICHANNEL_ALLOWED_ORIGINS). */
  allowedOrigins: string[];
  /** /docs and /openapi.json: always without authentication, with it only when OMNICHANNEL_PUBLIC_API_DOCS=true. */
  serveApiDocs: boolean;
  dataDir: string;
  /** OMNICHANNEL_INSTANCE_ID: names this process among several (logs, /health, the partition group); default host:pid. */
  instanceId: string;
  eventStoreConnectionString?: string;
  /** OMNICHANNEL_POSTGRES_URL and its tuning (docs/postgres.md); the URL is never logged. */
  postgres?: PostgresSettings;
  kafkaBrokers?: string[];
  /** Set only when OMNICHANNEL_TEST_CLOCK=manual. */
  manualClockStart?: string;
  /** LOG_LEVEL: the least severe level written (docs/operations.md). */
  logLevel: LogLevel;
  /** LOG_FORMAT: JSON lines, or pretty text for a person; unset: pretty only when stdout is a terminal. */
  logFormat?: 'json' | 'pretty';
}

export interface PostgresSettings {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not '${env.PORT}'`);
  const manual = env.OMNICHANNEL_TEST_CLOCK === 'manual';
  const start = env.OMNICHANNEL_TEST_CLOCK_START;
  if (manual && start && Number.isNaN(Date.parse(start))) {
    throw new Error(`OMNICHANNEL_TEST_CLOCK_START must be an ISO-8601 time, not '${start}'`);
  }
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not '${env.LOG_LEVEL}'`);
  const logFormat = env.LOG_FORMAT || undefined;
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty')
    throw new Error(`LOG_FORMAT must be json or pretty, not '${logFormat}'`);
  const auth = readAuthSettings(env);
  const host = listenHost(env, auth !== undefined);
  return {
    port,
    host,
    auth,
    allowedHosts: [...list(env.OMNICHANNEL_ALLOWED_HOSTS), ...(isWildcard(host) ? [] : [host])],
    allowedOrigins: list(env.OMNICHANNEL_ALLOWED_ORIGINS).map(origin),
    // Swagger serves them outside Nest routing, where the auth guard does not reach (docs/security.md).
    serveApiDocs: auth === undefined || env.OMNICHANNEL_PUBLIC_API_DOCS === 'true',
    dataDir: env.OMNICHANNEL_DATA_DIR || './data',
    instanceId: env.OMNICHANNEL_INSTANCE_ID || `${hostname()}:${process.pid}`,
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
    postgres: readPostgresSettings(env),
    kafkaBrokers: env.KAFKA_BROKERS ? list(env.KAFKA_BROKERS) : undefined,
    manualClockStart: manual ? new Date(start ? Date.parse(start) : Date.now()).toISOString() : undefined,
    logLevel: logLevel as LogLevel,
    logFormat,
  };
};

/** One shared store at a time: both URLs set is a mistake worth stopping for, not a silent choice. */
const readPostgresSettings = (env: NodeJS.ProcessEnv): PostgresSettings | undefined => {
  const url = env.OMNICHANNEL_POSTGRES_URL;
  if (!url) return undefined;
  if (env.EVENTSTORE_CONNECTION_STRING) {
    throw new Error(
      'set OMNICHANNEL_POSTGRES_URL or EVENTSTORE_CONNECTION_STRING, not both: they name two event stores',
    );
  }
  // The value itself is never echoed: it may hold a password.
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('OMNICHANNEL_POSTGRES_URL must be a postgres:// URL');
  return {
    url,
    poolSize: positiveInteger(env, 'OMNICHANNEL_POSTGRES_POOL_SIZE', 10),
    statementTimeoutMs: positiveInteger(env, 'OMNICHANNEL_POSTGRES_STATEMENT_TIMEOUT_MS', 10_000),
  };
};

const positiveInteger = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const text = env[name];
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not '${text}'`);
  return value;
};

/** Several instances may run on this store (PostgreSQL or EventStoreDB); the embedded one is one process's. */
export const sharedStore = (config: Config): boolean =>
  config.postgres !== undefined || config.eventStoreConnectionString !== undefined;

/** The loopback interface every client on this machine, and only on this machine, can reach. */
export const LOOPBACK = '127.0.0.1';

export const isLoopback = (host: string) => /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === 'localhost';

/**
 * Open only by choice (issue 11): without authentication the service listens on loopback; another
 * interface then needs OMNICHANNEL_ALLOW_UNAUTHENTICATED=true (e.g. behind a gateway that authenticates).
 */
const listenHost = (env: NodeJS.ProcessEnv, authenticated: boolean): string => {
  const host = env.OMNICHANNEL_LISTEN_HOST || (authenticated ? '0.0.0.0' : LOOPBACK);
  if (!authenticated && !isLoopback(host) && env.OMNICHANNEL_ALLOW_UNAUTHENTICATED !== 'true') {
    throw new Error(
      `OMNICHANNEL_LISTEN_HOST=${host} without authentication would let anyone who reaches it act as any agent: ` +
        'configure OMNICHANNEL_AUTH_* (docs/security.md) or set OMNICHANNEL_ALLOW_UNAUTHENTICATED=true',
    );
  }
  return host;
};

/** A comma-separated setting. */
const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

/** `https://ops.example:8443`, exactly as a browser sends it in `Origin`. */
const origin = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`OMNICHANNEL_ALLOWED_ORIGINS must list origins like https://ops.example:8443, not '${raw}'`);
  }
  if (url.origin === 'null' || url.origin !== raw.replace(/\/$/, ''))
    throw new Error(`OMNICHANNEL_ALLOWED_ORIGINS must list origins like https://ops.example:8443, not '${raw}'`);
  return url.origin;
};
