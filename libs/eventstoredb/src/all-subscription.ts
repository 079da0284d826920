import type { AllStreamResolvedEvent, AllStreamSubscription } from '@kurrent/kurrentdb-client';
import {
  BatchHandler,
  EventStoreUnavailableError,
  StoredEvent,
  Subscription,
  RetryPolicy,
  backoffDelay,
  sleep,
} from '#event-store';
import { isUnavailable, normalize } from './errors';
import { SkippedEvent, readFromAll } from './event-mapping';

export interface AllSubscriptionOptions {
  /** Opens the client's catch-up subscription to `$all` after `position` (0: from the start). */
  open(position: number): Promise<AllStreamSubscription>;
  /** Most events handed to one handler call; also the client stream's buffer (high-water mark). */
  batchSize: number;
  retry: RetryPolicy;
  /** The server was unreachable; the subscription re-subscribes after a back-off. */
  onUnavailable(error: unknown): void;
  /** The server confirmed the subscription, or a batch was delivered: it is reachable. */
  onReachable(): void;
  onStopped(subscription: AllSubscription): void;
  /** An event left out: another writer's, or one of ours that cannot be mapped. */
  onSkipped(skipped: SkippedEvent): void;
}

type Outcome =
  { kind: 'stopped' } | { kind: 'ended' } | { kind: 'failed'; error: unknown } | { kind: 'handler'; error: unknown };

const noop = (): void => undefined;

/**
 * Delivers `$all` after a position in batches, catch-up then live, through the client's
 * subscription (a Node readable stream). Backpressure: while the handler runs nothing is read, so
 * the stream's buffer fills up to `batchSize` and then the gRPC stream is paused (HTTP/2 flow
 * control). The position only moves once the handler's promise settles; after an unavailable
 * server, or a server that ends the call, it re-subscribes from the last delivered position, and
 * drops anything at or before it, so events are neither skipped, duplicated nor reordered.
 */
export class AllSubscription implements Subscription {
  private stopped = false;
  /** Wakes the delivery loop when it waits for data; a no-op while it is busy. */
  private interrupt: () => void = noop;
  private readonly stopRequested: Promise<void>;
  private requestStop: () => void = noop;
  private readonly loop: Promise<void>;

  constructor(
    private position: number,
    private readonly options: AllSubscriptionOptions,
    private readonly handler: BatchHandler,
    private readonly onError?: (error: unknown) => void,
  ) {
    this.stopRequested = new Promise((resolve) => (this.requestStop = resolve));
    this.loop = this.run();
  }

  /** Must not be awaited from inside the handler: it waits for that very handler call. */
  async stop(): Promise<void> {
    this.halt();
    await this.loop;
  }

  private async run(): Promise<void> {
    // Never run the handler inside subscribeToAll()'s call stack.
    await undefined;
    let retries = 0;
    while (!this.stopped) {
      let outcome: Outcome;
      let subscription: AllStreamSubscription | undefined;
      try {
        subscription = await this.options.open(this.position);
        outcome = await this.pump(subscription, () => (retries = 0));
      } catch (error) {
        outcome = { kind: 'failed', error };
      } finally {
        if (subscription) await close(subscription);
      }
      if (this.stopped) return;
      if (outcome.kind === 'handler') return this.fail(outcome.error);
      if (outcome.kind === 'failed' && !isUnavailable(outcome.error)) return this.fail(normalize(outcome.error));
      const reason =
        outcome.kind === 'failed'
          ? new EventStoreUnavailableError('the $all subscription lost the server', outcome.error)
          : new EventStoreUnavailableError('the server ended the $all subscription');
      this.options.onUnavailable(reason);
      await sleep(backoffDelay(this.options.retry, retries++), this.stopRequested);
    }
  }

  private async pump(subscription: AllStreamSubscription, onProgress: () => void): Promise<Outcome> {
    let failure: { error: unknown } | undefined;
    let ended = false;
    const wake = (): void => this.interrupt();
    // Listeners stay for the stream's whole life: an 'error' without one would crash the process.
    subscription.on('error', (error: unknown) => {
      failure ??= { error };
      wake();
    });
    subscription.on('end', () => {
      ended = true;
      wake();
    });
    subscription.on('close', () => {
      ended = true;
      wake();
    });
    subscription.on('readable', wake);
    // Sent by the server as soon as it accepts the subscription: an idle store recovers its
    // health on re-subscription, without waiting for a new event.
    subscription.on('confirmation', () => this.options.onReachable());

    while (!this.stopped) {
      const batch = this.drain(subscription);
      if (batch.length > 0) {
        try {
          await this.handler(batch);
        } catch (error) {
          return { kind: 'handler', error };
        }
        this.position = batch[batch.length - 1].position;
        onProgress();
        this.options.onReachable();
        continue;
      }
      // read() returned null: the next arrival emits 'readable' (emitted asynchronously, so it
      // cannot slip in before the interrupt is installed below).
      if (failure) return { kind: 'failed', error: failure.error };
      if (ended) return { kind: 'ended' };
      await new Promise<void>((resolve) => (this.interrupt = resolve));
      this.interrupt = noop;
    }
    return { kind: 'stopped' };
  }

  /** What is buffered now, up to a batch, mapped; stops early only when the batch is full. */
  private drain(subscription: AllStreamSubscription): StoredEvent[] {
    const batch: StoredEvent[] = [];
    let cursor = this.position;
    let item: AllStreamResolvedEvent | null;
    while (
      batch.length < this.options.batchSize &&
      (item = subscription.read() as AllStreamResolvedEvent | null) !== null
    ) {
      // Links are never resolved, so every item carries its event.
      if (!item.event) continue;
      const read = readFromAll(item.event);
      if (read.kind !== 'ours') {
        this.options.onSkipped(read);
        continue;
      }
      const event = read.event;
      // At or before the resume point: delivered already.
      if (event.position <= cursor) continue;
      cursor = event.position;
      batch.push(event);
    }
    return batch;
  }

  private fail(error: unknown): void {
    this.halt();
    this.onError?.(error);
  }

  private halt(): void {
    if (!this.stopped) {
      this.stopped = true;
      this.options.onStopped(this);
    }
    this.requestStop();
    this.interrupt();
  }
}

async function close(subscription: AllStreamSubscription): Promise<void> {
  try {
    await subscription.unsubscribe();
  } catch {
    // Already failed or ended: nothing left to cancel.
  }
  subscription.destroy();
}
