import { logLevel } from 'kafkajs';
import { parseLogLevel } from '#kafka';
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
  logLevel: logLevel;
}

export const readKafkaSettings = (config: Config, env: NodeJS.ProcessEnv = process.env): KafkaSettings => ({
  brokers: config.kafkaBrokers ?? [],
  clientId: env.KAFKA_CLIENT_ID || 'omnichannel-engine',
  groupId: env.KAFKA_CONSUMER_GROUP || 'omnichannel-engine',
  replicationFactor: positiveInt(env, 'KAFKA_REPLICATION_FACTOR', 1),
  partitions: positiveInt(env, 'KAFKA_TOPIC_PARTITIONS', 3),
  sessionTimeoutMs: positiveInt(env, 'KAFKA_SESSION_TIMEOUT_MS', 10_000),
  logLevel: parseLogLevel(env.KAFKA_LOG_LEVEL),
});

const positiveInt = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not '${raw}'`);
  return value;
};
