import { Socket, connect, isIP } from 'node:net';
import { ConnectionOptions, connect as connectTls } from 'node:tls';
import { ISocketFactory, Kafka, LogEntry, RetryOptions, SASLOptions, logLevel } from 'kafkajs';

/** What the adapters log through (Nest's Logger fits). */
export interface MessagingLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger: MessagingLogger;
  /** kafkajs' own log level (default WARN: connection errors during an outage are worth seeing). */
  logLevel?: logLevel;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: RetryOptions;
  /** Tracks the client's sockets, so that `destroyAll` can close what kafkajs leaves open. */
  sockets?: SocketRegistry;
  security?: KafkaSecurity;
}

/** How the client proves itself to a secured broker and checks the broker: TLS, SASL, or both. */
export interface KafkaSecurity {
  /** TLS options (CA, client certificate and key); unset: plain TCP. */
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
}

/**
 * kafkajs can leave a connection open after `disconnect()`: a consumer that leaves its group after
 * a broker restart opens a fresh connection to the coordinator that the cluster no longer tracks
 * (the broker closes it after connections.max.idle.ms, 10 minutes). An open socket keeps Node
 * alive, so whoever stops a client for good destroys what is left.
 */
export class SocketRegistry {
  private readonly open = new Set<Socket>();

  /** The default kafkajs socket factory (TCP or TLS, keep-alive 60 s), plus tracking. */
  readonly factory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket = ssl
      ? // SNI needs a host name; an IP address is checked against the certificate's IP entries instead.
        connectTls(
          { host, port, ...(isIP(host) ? {} : { servername: host }), ...(ssl as ConnectionOptions) },
          onConnect,
        )
      : connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return socket;
  };

  get size(): number {
    return this.open.size;
  }

  /**
   * Destroys every socket kafkajs left open (not ended); returns how many. With an error: kafkajs handles
   * a socket error by disconnecting the connection, which also stops its request queue's timer.
   */
  destroyAll(): number {
    // A socket kafkajs disconnected is ended and unref'd already: it closes on its own.
    const leaked = [...this.open].filter((socket) => !socket.writableEnded && !socket.destroyed);
    for (const socket of leaked) socket.destroy(new Error('the Kafka client was stopped'));
    this.open.clear();
    return leaked.length;
  }
}

/**
 * Retries inside kafkajs stay short (a few seconds in all): the adapters have their own outer
 * loops that back off, recreate producers and restart consumers, so a broker outage of any
 * length is ridden out without kafkajs giving up for good.
 */
export const DEFAULT_RETRY: RetryOptions = {
  initialRetryTime: 250,
  maxRetryTime: 2_000,
  retries: 6,
  factor: 0.2,
  multiplier: 2,
};

export const createKafka = (options: KafkaClientOptions): Kafka =>
  new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: options.retry ?? DEFAULT_RETRY,
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: () => (entry: LogEntry) => logEntry(options.logger, entry),
    ...(options.sockets && { socketFactory: options.sockets.factory }),
    ...(options.security?.ssl && { ssl: options.security.ssl }),
    ...(options.security?.sasl && { sasl: options.security.sasl }),
  });

/**
 * kafkajs warns that an idempotent producer with limited retries may break exactly-once: known
 * and intended here (SerialProducer replaces a producer whose send failed and the caller resends,
 * at least once), so the warning is not repeated on every producer created.
 */
const SILENCED = [/^Limiting retries for the idempotent producer/];

const logEntry = (logger: MessagingLogger, { namespace, level, log }: LogEntry): void => {
  if (SILENCED.some((pattern) => pattern.test(log.message))) return;
  const { message, timestamp: _t, logger: _l, stack: _s, ...extra } = log as LogEntry['log'] & { stack?: string };
  const details = Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : '';
  const line = `kafkajs ${namespace}: ${message}${details}`;
  if (level === logLevel.ERROR) logger.error(line);
  else if (level === logLevel.WARN) logger.warn(line);
  else logger.log(line);
};

export const parseLogLevel = (value: string | undefined): logLevel => {
  switch ((value ?? 'warn').toLowerCase()) {
    case 'nothing':
    case 'none':
      return logLevel.NOTHING;
    case 'error':
      return logLevel.ERROR;
    case 'info':
      return logLevel.INFO;
    case 'debug':
      return logLevel.DEBUG;
    default:
      return logLevel.WARN;
  }
};
