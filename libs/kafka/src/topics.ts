import { Admin } from 'kafkajs';
import { PARTITION_COUNT } from '#scheduling';

/** Contract sections 1 and 2: the topic names are fixed. */
export const TOPICS = {
  /** Channel adapters publish here, keyed by conversationId. */
  channelEvents: 'omnichannel.channel-events.v1',
  /** Channel events that cannot be applied, with the original key, value and headers. */
  channelEventsDlq: 'omnichannel.channel-events.dlq.v1',
  /** Every stored event, keyed by conversationId (or streamId), in store order. */
  conversationEvents: 'omnichannel.conversation-events.v1',
  /** No messages: its partitions are the work partitions, shared out among instances by a consumer group. */
  partitions: 'omnichannel.partitions.v1',
} as const;

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
}

export interface TopicLayout {
  /** Partitions of the channel-events and conversation-events topics (default 3). */
  partitions?: number;
  /** Partitions of the dead-letter topic (default 1: it is low-volume and read by people). */
  dlqPartitions?: number;
  replicationFactor?: number;
}

export const topicSpecs = ({
  partitions = 3,
  dlqPartitions = 1,
  replicationFactor = 1,
}: TopicLayout = {}): TopicSpec[] => [
  { topic: TOPICS.channelEvents, numPartitions: partitions, replicationFactor },
  { topic: TOPICS.conversationEvents, numPartitions: partitions, replicationFactor },
  { topic: TOPICS.channelEventsDlq, numPartitions: dlqPartitions, replicationFactor },
  { topic: TOPICS.partitions, numPartitions: PARTITION_COUNT, replicationFactor },
];

/**
 * Creates the topics that do not exist yet; returns the names it created. Topics that exist are
 * left as they are (whatever their partition count): re-partitioning a keyed topic would break
 * per-key order, so that is an operator's decision. Another instance creating the same topic at
 * the same time is not an error.
 */
export const ensureTopics = async (admin: Admin, specs: TopicSpec[]): Promise<string[]> => {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({ topics: missing, waitForLeaders: true });
  return missing.map((s) => s.topic);
};
