import {
  AppendRequest,
  AppendResult,
  BatchHandler,
  EventStore,
  EventStoreUnavailableError,
  StoredEvent,
  Subscription,
  WrongExpectedRevisionError,
} from '#event-store';
import { Scheduler } from './scheduler';

export type StoreFault =
  /** Another writer got there first: the next append fails its revision check, writing nothing. */
  | { kind: 'conflict' }
  /** The store cannot be reached for the next `operations` reads and appends. */
  | { kind: 'unavailable'; operations: number }
  /** The next append lets `rounds` other operations go first. */
  | { kind: 'slow'; rounds: number };

/** One instance's view of the shared store, with the faults the simulation injects into it. */
export class FaultyStore implements EventStore {
  private conflicts = 0;
  private unavailable = 0;
  private slow: number[] = [];
  /** Faults that struck since the last `takeStruck()`. */
  private struck = 0;

  constructor(
    private readonly inner: EventStore,
    private readonly scheduler: Scheduler,
  ) {}

  inject(fault: StoreFault): void {
    if (fault.kind === 'conflict') this.conflicts++;
    else if (fault.kind === 'unavailable') this.unavailable += fault.operations;
    else this.slow.push(fault.rounds);
  }

  /** Whether a fault struck (or is still armed) since the last call. */
  takeStruck(): boolean {
    const struck = this.struck > 0 || this.unavailable > 0 || this.conflicts > 0;
    this.struck = 0;
    return struck;
  }

  async append(requests: AppendRequest[]): Promise<AppendResult> {
    this.refuseIfUnavailable();
    const rounds = this.slow.shift();
    if (rounds !== undefined) await this.scheduler.delay('slow append', rounds);
    if (this.conflicts > 0) {
      this.conflicts--;
      this.struck++;
      const { streamId, expectedRevision } = requests[0];
      throw new WrongExpectedRevisionError(streamId, expectedRevision, 'no_stream');
    }
    return this.inner.append(requests);
  }

  async readStream(streamId: string, fromRevision?: number, maxCount?: number): Promise<StoredEvent[]> {
    this.refuseIfUnavailable();
    return this.inner.readStream(streamId, fromRevision, maxCount);
  }

  async readLastEvent(streamId: string): Promise<StoredEvent | undefined> {
    this.refuseIfUnavailable();
    return this.inner.readLastEvent(streamId);
  }

  async readAll(afterPosition: number, maxCount: number): Promise<StoredEvent[]> {
    this.refuseIfUnavailable();
    return this.inner.readAll(afterPosition, maxCount);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  subscribeToAll(afterPosition: number, handler: BatchHandler, onError?: (error: unknown) => void): Subscription {
    return this.inner.subscribeToAll(afterPosition, handler, onError);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private refuseIfUnavailable(): void {
    if (this.unavailable === 0) return;
    this.unavailable--;
    this.struck++;
    throw new EventStoreUnavailableError('simulated: the store cannot be reached');
  }
}
