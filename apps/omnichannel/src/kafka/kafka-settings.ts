import { readFileSync } from 'node:fs';
import { ConnectionOptions } from 'node:tls';
import { SASLOptions, logLevel } from 'kafkajs';
import { KafkaSecurity, parseLogLevel } from '#kafka';
import { Config } from '../config';

/**
 * Kafka settings beyond KAFKA_BROKERS (contract section 5). All optional; the defaults are the
 * contract's (group omnichannel-engine) and suit a single local broker.
 */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  groupId: string;
  replicationFactor: number;
  partitions: number;
  sessionTimeoutMs: number;
  /** The consumer group that shares the work partitions out (docs/instances.md). */
  partitionGroupId: string;
  /** Its session timeout: how long a dead instance's partitions wait for a new owner (at least 6000, the broker's minimum). */
  partitionSessionTimeoutMs: number;
  logLevel: logLevel;
  security: KafkaSecurity;
}

export const readKafkaSettings = (config: Config, env: NodeJS.ProcessEnv = process.env): KafkaSettings => ({
  brokers: config.kafkaBrokers ?? [],
  clientId: env.KAFKA_CLIENT_ID || 'omnichannel-engine',
  groupId: env.KAFKA_CONSUMER_GROUP || 'omnichannel-engine',
  replicationFactor: positiveInt(env, 'KAFKA_REPLICATION_FACTOR', 1),
  partitions: positiveInt(env, 'KAFKA_TOPIC_PARTITIONS', 3),
  sessionTimeoutMs: positiveInt(env, 'KAFKA_SESSION_TIMEOUT_MS', 10_000),
  partitionGroupId: env.OMNICHANNEL_PARTITION_GROUP || 'omnichannel-engine-partitions',
  partitionSessionTimeoutMs: positiveInt(env, 'OMNICHANNEL_PARTITION_SESSION_TIMEOUT_MS', 6_000),
  logLevel: parseLogLevel(env.KAFKA_LOG_LEVEL),
  security: { ssl: readTls(env), sasl: readSasl(env) },
});

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** KAFKA_SASL_MECHANISM with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (docs/security.md). */
const readSasl = (env: NodeJS.ProcessEnv): SASLOptions | undefined => {
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  if (!mechanism) return undefined;
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism))
    throw new Error(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, not '${mechanism}'`);
  const username = env.KAFKA_SASL_USERNAME;
  const password = env.KAFKA_SASL_PASSWORD;
  if (!username || !password)
    throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set with KAFKA_SASL_MECHANISM');
  return { mechanism: mechanism as (typeof SASL_MECHANISMS)[number], username, password } as SASLOptions;
};

/**
 * KAFKA_SSL=true, or any KAFKA_SSL_* file, turns TLS on; the broker's certificate is always checked (against
 * KAFKA_SSL_CA_FILE, else the system's CAs) unless KAFKA_SSL_REJECT_UNAUTHORIZED=false.
 */
const readTls = (env: NodeJS.ProcessEnv): ConnectionOptions | undefined => {
  const files = { ca: env.KAFKA_SSL_CA_FILE, cert: env.KAFKA_SSL_CERT_FILE, key: env.KAFKA_SSL_KEY_FILE };
  const on = env.KAFKA_SSL === 'true' || Object.values(files).some(Boolean);
  if (!on) return undefined;
  if (Boolean(files.cert) !== Boolean(files.key))
    throw new Error('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (a client certificate and its key)');
  const read = (name: string, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`${name} cannot be read: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    ...(files.ca && { ca: read('KAFKA_SSL_CA_FILE', files.ca) }),
    ...(files.cert && { cert: read('KAFKA_SSL_CERT_FILE', files.cert), key: read('KAFKA_SSL_KEY_FILE', files.key) }),
    rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED !== 'false',
  };
};

const positiveInt = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not '${raw}'`);
  return value;
};
