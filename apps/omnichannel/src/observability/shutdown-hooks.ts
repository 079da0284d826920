import { Injectable } from '@nestjs/common';

export type StopIntake = () => Promise<void> | void;
/** Resolves once what it stands for has caught up with the store position `head`. */
export type Flush = (head: number) => Promise<void>;

/**
 * Where modules tell the clean shutdown what to stop first and what to wait for last (docs/operations.md):
 * a Kafka consumer or a timer ticker is a source of commands; an outbox is something to flush.
 */
@Injectable()
export class ShutdownHooks {
  readonly intake: StopIntake[] = [];
  readonly flushes: Flush[] = [];

  /** Stops a source of commands; awaited before the command gate closes. */
  onStopIntake(stop: StopIntake): void {
    this.intake.push(stop);
  }

  /** Awaited after the last command finished, before any module closes. */
  onFlush(flush: Flush): void {
    this.flushes.push(flush);
  }
}
