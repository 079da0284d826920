import { IHeaders, Message } from 'kafkajs';
import { Rejection } from './rejection';
import { RecordSender } from './serial-producer';

/** Headers added to a dead letter (the original record's own headers are kept as they were). */
export const DLQ_HEADERS = {
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  /** The original record's timestamp (ms since the epoch, as Kafka gives it). */
  originalTimestamp: 'dlq-original-timestamp',
  reason: 'dlq-reason',
  /** malformed | invalid | unknown_type | not_found | not_allowed | forbidden */
  errorKind: 'dlq-error-kind',
  /** The field at fault, when there is one (comma-separated when several). */
  field: 'dlq-field',
  /** The conversation's status reason, when the event was illegal in it. */
  statusReason: 'dlq-status-reason',
  /** When the record was dead-lettered (ISO-8601 UTC). */
  timestamp: 'dlq-timestamp',
  /** The consumer group that gave up on it. */
  consumerGroup: 'dlq-consumer-group',
} as const;

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  timestamp?: string;
  rejection: Rejection;
}

/** The dead letter as it is written: the original key and value bytes, the original headers plus ours. */
export const toDeadLetterMessage = (letter: DeadLetter, consumerGroup: string, now = new Date()): Message => {
  const { rejection } = letter;
  const headers: IHeaders = {
    ...(letter.headers ?? {}),
    [DLQ_HEADERS.originalTopic]: letter.topic,
    [DLQ_HEADERS.originalPartition]: String(letter.partition),
    [DLQ_HEADERS.originalOffset]: letter.offset,
    ...(letter.timestamp && { [DLQ_HEADERS.originalTimestamp]: letter.timestamp }),
    [DLQ_HEADERS.reason]: rejection.reason,
    [DLQ_HEADERS.errorKind]: rejection.kind,
    ...(rejection.field && { [DLQ_HEADERS.field]: rejection.field }),
    ...(rejection.statusReason && { [DLQ_HEADERS.statusReason]: rejection.statusReason }),
    [DLQ_HEADERS.timestamp]: now.toISOString(),
    [DLQ_HEADERS.consumerGroup]: consumerGroup,
  };
  return { key: letter.key, value: letter.value, headers };
};

/** Writes dead letters one at a time; `write` resolves once the broker acknowledged it (acks=-1). */
export class DeadLetterWriter {
  constructor(
    private readonly producer: RecordSender,
    private readonly topic: string,
    private readonly consumerGroup: string,
  ) {}

  write(letter: DeadLetter): Promise<void> {
    return this.producer.send(this.topic, [toDeadLetterMessage(letter, this.consumerGroup)]);
  }
}
