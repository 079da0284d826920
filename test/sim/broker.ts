import { partitionOf } from '#scheduling';

export interface BrokerRecord {
  offset: number;
  key: string;
  value: Buffer;
}

/**
 * The channel-events topic in process: a few partitions (a record goes to its key's), one consumer group whose
 * committed offsets survive a consumer restart, and the dead letters. Enough to replay what Kafka does to the
 * gateway: at-least-once delivery, redelivery of what was not committed, a consumer that restarts.
 */
export class Broker {
  readonly partitions: BrokerRecord[][];
  readonly committed: number[];
  readonly deadLetters: { key: string; reason: string }[] = [];

  constructor(readonly partitionCount = 2) {
    this.partitions = Array.from({ length: partitionCount }, () => []);
    this.committed = Array.from({ length: partitionCount }, () => 0);
  }

  partitionOf(key: string): number {
    return partitionOf(key, this.partitionCount);
  }

  produce(key: string, value: Buffer): void {
    const log = this.partitions[this.partitionOf(key)];
    log.push({ offset: log.length, key, value });
  }

  /** Offsets committed before a crash are lost: the consumer group resumes `count` records earlier. */
  loseCommits(partition: number, count: number): void {
    this.committed[partition] = Math.max(0, this.committed[partition] - count);
  }

  /** Records not yet committed anywhere. */
  backlog(): number {
    return this.partitions.reduce((sum, log, p) => sum + log.length - this.committed[p], 0);
  }
}
