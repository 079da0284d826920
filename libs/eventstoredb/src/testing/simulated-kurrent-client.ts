import { randomUUID } from 'node:crypto';
import { Readable, ReadableOptions } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnsupportedError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamRecordedEvent,
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendResult,
  AppendStreamRequest,
  AppendStreamState,
  EventData,
  Filter,
  MultiAppendResult,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  ResolvedEvent,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import type { KurrentClient } from '../eventstoredb-event-store';

/**
 * An in-memory stand-in for `KurrentDBClient` that mimics, from the client's own typings and the
 * server's documented behaviour, what the adapter relies on: non-dense log positions with
 * commit == prepare; `$all` reads and subscriptions that include the event at `fromPosition`;
 * StreamNotFoundError for unknown streams; WrongExpectedVersionError with the actual revision;
 * all-or-nothing multiStreamAppend that refuses non-string metadata (as client 1.3.1 does) and
 * reads it back as properties with the server's `$schema.*` keys; server-side event-type regex
 * filters. It is NOT KurrentDB: it checks the adapter's logic, not its fit with a real server.
 */
export class SimulatedKurrentClient {
  readonly log: AllStreamRecordedEvent[] = [];
  private readonly streams = new Map<string, AllStreamRecordedEvent[]>();
  private readonly live = new Set<SimulatedSubscription>();
  private nextPosition = 1_000n;
  private readonly failures = new Map<string, unknown[]>();
  supportsMultiStreamAppend = true;
  /** Every multiStreamAppend call's requests, to inspect what the adapter sent. */
  readonly multiStreamAppendCalls: AppendStreamRequest[][] = [];
  disposed = false;

  constructor() {
    // A database is never empty: the server writes system events of its own.
    this.writeSystemEvent('$settings', '$settings-changed');
  }

  /** The next `count` calls of `method` fail with `error` before doing anything. */
  failNext(method: keyof KurrentClient, error: unknown, count = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: count }, () => error)]);
  }

  /** Live subscriptions fail as when the connection drops. */
  dropSubscriptions(error: unknown): void {
    for (const subscription of [...this.live]) {
      this.live.delete(subscription);
      subscription.emit('error', error);
    }
  }

  get liveSubscriptions(): number {
    return this.live.size;
  }

  writeSystemEvent(streamId: string, type: string): void {
    this.commit([{ streamId, events: [{ id: randomUUID(), type, data: {}, metadata: undefined }] }]);
  }

  // ---- the KurrentClient surface --------------------------------------------------------------

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options?: { streamState?: AppendStreamState },
  ): Promise<AppendResult> {
    this.maybeFail('appendToStream');
    const list = Array.isArray(events) ? events : [events];
    this.checkState(streamName, options?.streamState ?? ANY);
    const written = this.commit([
      { streamId: streamName, events: list.map((e) => ({ ...e, metadata: roundTrip(e.metadata) })) },
    ]);
    const last = written[written.length - 1];
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  async multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult> {
    this.maybeFail('multiStreamAppend');
    this.multiStreamAppendCalls.push(requests);
    for (const request of requests) {
      for (const { metadata } of request.events) {
        if (
          metadata != null &&
          (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string'))
        ) {
          throw new Error(
            'multiStreamAppend requires metadata to be a plain object with string keys and string values.',
          );
        }
      }
    }
    if (!this.supportsMultiStreamAppend) throw new UnsupportedError('multiStreamAppend', '25.1');
    for (const request of requests) this.checkState(request.streamName, request.expectedState);
    const written = this.commit(
      requests.map((request) => ({
        streamId: request.streamName,
        events: request.events.map((e) => ({
          ...e,
          metadata: { ...(e.metadata as object), '$schema.name': e.type, '$schema.format': 'Json' },
        })),
      })),
    );
    return {
      position: written[written.length - 1].position.commit,
      responses: requests.map((r) => ({
        streamName: r.streamName,
        revision: this.streams.get(r.streamName)!.at(-1)!.revision,
      })),
    };
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterableIterator<ResolvedEvent> {
    return (async function* (self: SimulatedKurrentClient) {
      self.maybeFail('readStream');
      const stream = self.streams.get(streamName);
      if (!stream) throw new StreamNotFoundError(undefined, streamName);
      const backwards = options.direction === BACKWARDS;
      const from = options.fromRevision ?? (backwards ? END : START);
      let events = backwards ? [...stream].reverse() : stream;
      if (typeof from === 'bigint')
        events = events.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
      yield* events
        .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER))
        .map((event) => ({ event: copy(event) }));
    })(this);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> {
    return (async function* (self: SimulatedKurrentClient) {
      self.maybeFail('readAll');
      const backwards = options.direction === BACKWARDS;
      const from = options.fromPosition ?? (backwards ? END : START);
      let events = (backwards ? [...self.log].reverse() : self.log).filter((e) => matches(options.filter, e));
      if (typeof from === 'object') {
        events = events.filter((e) => (backwards ? e.position.commit < from.commit : e.position.commit >= from.commit));
      }
      yield* events
        .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER))
        .map((event) => ({ event: copy(event), commitPosition: event.position.commit }));
    })(this);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}, readableOptions: ReadableOptions = {}): AllStreamSubscription {
    const subscription = new SimulatedSubscription(this, options.filter, readableOptions);
    const failure = this.failures.get('subscribeToAll')?.shift();
    setImmediate(() => {
      if (subscription.cancelled) return;
      if (failure !== undefined) return void subscription.emit('error', failure);
      subscription.emit('confirmation');
      const from = options.fromPosition ?? START;
      // Catch-up includes the event at fromPosition; then live.
      for (const event of this.log) {
        if (from === END || (typeof from === 'object' && event.position.commit < from.commit)) continue;
        subscription.offer(event);
      }
      this.live.add(subscription);
    });
    return subscription as unknown as AllStreamSubscription;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of this.live) subscription.cancel();
  }

  // ---- internals ------------------------------------------------------------------------------

  forget(subscription: SimulatedSubscription): void {
    this.live.delete(subscription);
  }

  private maybeFail(method: string): void {
    const error = this.failures.get(method)?.shift();
    if (error !== undefined) throw error;
  }

  private checkState(streamName: string, expected: AppendStreamState): void {
    const stream = this.streams.get(streamName);
    const current = stream ? stream[stream.length - 1].revision : NO_STREAM;
    const ok =
      expected === ANY ||
      (expected === NO_STREAM && current === NO_STREAM) ||
      (expected === STREAM_EXISTS && current !== NO_STREAM) ||
      (typeof expected === 'bigint' && current === expected);
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
  }

  private commit(
    writes: { streamId: string; events: Pick<EventData, 'id' | 'type' | 'data' | 'metadata'>[] }[],
  ): AllStreamRecordedEvent[] {
    const written: AllStreamRecordedEvent[] = [];
    for (const { streamId, events } of writes) {
      const stream = this.streams.get(streamId) ?? [];
      for (const e of events) {
        const position: Position = { commit: this.nextPosition, prepare: this.nextPosition };
        this.nextPosition += 137n + BigInt(JSON.stringify(e.data).length);
        const recorded = {
          streamId,
          id: e.id,
          isJson: true,
          revision: BigInt(stream.length),
          type: e.type,
          created: new Date(),
          data: roundTrip(e.data),
          metadata: e.metadata,
          position,
        } as AllStreamRecordedEvent;
        stream.push(recorded);
        written.push(recorded);
      }
      this.streams.set(streamId, stream);
    }
    this.log.push(...written);
    for (const subscription of this.live) for (const event of written) subscription.offer(event);
    return written;
  }
}

class SimulatedSubscription extends Readable {
  cancelled = false;

  constructor(
    private readonly server: SimulatedKurrentClient,
    private readonly eventFilter: Filter | undefined,
    options: ReadableOptions,
  ) {
    super({ ...options, objectMode: true });
  }

  override _read(): void {
    // Pushed by the server.
  }

  offer(event: AllStreamRecordedEvent): void {
    if (!this.cancelled && matches(this.eventFilter, event))
      this.push({ event: copy(event), commitPosition: event.position.commit });
  }

  cancel(): void {
    this.cancelled = true;
    this.server.forget(this);
  }

  async unsubscribe(): Promise<void> {
    this.cancel();
  }
}

function matches(filter: Filter | undefined, event: AllStreamRecordedEvent): boolean {
  if (!filter) return true;
  const value = filter.filterOn === 'eventType' ? event.type : event.streamId;
  return 'regex' in filter
    ? new RegExp(filter.regex).test(value)
    : filter.prefixes.some((prefix) => value.startsWith(prefix));
}

function roundTrip<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function copy(event: AllStreamRecordedEvent): AllStreamRecordedEvent {
  return { ...event, data: roundTrip(event.data), metadata: roundTrip(event.metadata) } as AllStreamRecordedEvent;
}
