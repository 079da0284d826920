import { randomUUID } from 'node:crypto';
import { Readable, ReadableOptions } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  UnsupportedError,
  WrongExpectedVersionError,
  convertToCommandError,
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
import type { Endpoint } from '../not-leader';
import { APPEND_SESSION, ServerCapabilities } from '../server-check';
import { GRPC, bridgeError, grpcError, notLeaderError, streamAlreadyInAppendSessionError } from './wire-errors';

/** A record in the simulated log: `at` orders it; `recorded.position` is what readers are told. */
interface Entry {
  at: bigint;
  recorded: AllStreamRecordedEvent;
}

type Decision =
  | { kind: 'ok' }
  | { kind: 'wrong'; current: bigint | 'no_stream' }
  | { kind: 'idempotent'; end: Entry }
  | { kind: 'corrupted'; current: bigint | 'no_stream' };

/** What the nodes of one simulated cluster share: the log, and who leads. */
class Cluster {
  readonly log: Entry[] = [];
  readonly streams = new Map<string, Entry[]>();
  readonly live = new Set<SimulatedSubscription>();
  nextPosition = 1_000n;
  leader = 'node1:2113';
  serverVersion = '25.1.4';
}

/**
 * An in-memory stand-in for `KurrentDBClient` over a simulated KurrentDB cluster, following the
 * client's and server's sources where the adapter depends on them (each rule names its file). It
 * is NOT KurrentDB: it checks the adapter's logic, not its fit with a real server.
 */
export class SimulatedKurrentClient {
  private readonly failures = new Map<string, unknown[]>();
  private readonly cluster: Cluster;
  /** The client's `throwOnAppendFailure` connection setting. */
  throwOnAppendFailure = true;
  /** Every multiStreamAppend call's requests, to inspect what the adapter sent. */
  readonly multiStreamAppendCalls: AppendStreamRequest[][] = [];
  disposed = false;

  /** A client connected to `node` of a new single-node cluster, or of `cluster`. */
  constructor(
    readonly node = 'node1:2113',
    cluster?: Cluster,
  ) {
    this.cluster = cluster ?? new Cluster();
    // A database is never empty: the server writes system events of its own.
    if (!cluster) this.writeSystemEvent('$settings', '$settings-changed');
  }

  /** Another client, connected to another node of the same cluster. */
  connectTo({ host, port }: Endpoint): SimulatedKurrentClient {
    return new SimulatedKurrentClient(`${host}:${port}`, this.cluster);
  }

  /** A leader election: `node` leads from now on. */
  elect(node: string): void {
    this.cluster.leader = node;
  }

  /** The version the server reports; KurrentDB before 25.1 has no `AppendSession` (multi-stream append). */
  set serverVersion(version: string) {
    this.cluster.serverVersion = version;
  }

  get log(): AllStreamRecordedEvent[] {
    return this.cluster.log.map((entry) => entry.recorded);
  }

  /** The next `count` calls of `method` fail with `error` before doing anything. */
  failNext(method: keyof KurrentClient, error: unknown, count = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: count }, () => error)]);
  }

  /** Live subscriptions fail as when the connection drops (`error`: what gRPC reports). */
  dropSubscriptions(error: unknown): void {
    for (const subscription of [...this.cluster.live]) {
      this.cluster.live.delete(subscription);
      subscription.emit('error', convertToCommandError(error as Error));
    }
  }

  get liveSubscriptions(): number {
    return this.cluster.live.size;
  }

  writeSystemEvent(streamId: string, type: string): void {
    this.commit([{ streamId, events: [{ id: randomUUID(), type, data: {}, metadata: undefined }] }]);
  }

  /**
   * An event another writer put in the database, as readers get it: `metadata` as the client
   * parses it, and, for a legacy TCP transaction's event, the position the server sends when it
   * does not know where the event was committed: -1/-1 as unsigned, 2^64 − 1 (KurrentDB
   * `Services/Transport/Grpc/Streams.Read.cs` ConvertToRecordedEvent, `Data/ResolvedEvent.cs`).
   */
  writeForeignEvent(streamId: string, type: string, metadata: unknown, position?: Position): void {
    const event = { id: randomUUID(), type, data: {}, metadata: metadata as EventData['metadata'] };
    this.commit([{ streamId, events: [event] }], position);
  }

  // ---- the KurrentClient surface --------------------------------------------------------------

  /** `ServerFeatures.getSupportedMethods`, as the client caches it (`dist/Client/ServerFeatures.js`). */
  get capabilities(): Promise<ServerCapabilities> {
    const failure = this.failures.get('capabilities')?.shift();
    if (failure !== undefined) return Promise.reject(failure);
    const [major, minor] = this.cluster.serverVersion.split('.').map(Number);
    const hasAppendSession = major > 25 || (major === 25 && minor >= 1);
    return Promise.resolve({
      serverVersion: this.cluster.serverVersion,
      supports: (method: { path: string }) =>
        method.path.toLowerCase() !== APPEND_SESSION.toLowerCase() || hasAppendSession,
    });
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options?: { streamState?: AppendStreamState },
  ): Promise<AppendResult> {
    this.maybeFail('appendToStream');
    const list = Array.isArray(events) ? events : [events];
    const expected = options?.streamState ?? ANY;
    const decision = this.decide(streamName, expected, list);
    if (decision.kind === 'idempotent')
      return {
        success: true,
        nextExpectedRevision: decision.end.recorded.revision,
        position: positionOf(decision.end),
      };
    if (decision.kind !== 'ok') {
      // Client `dist/streams/appendToStream/batchAppend.js`: with throwOnAppendFailure=false a
      // conflict resolves, and its revision is BigInt(hasCurrentStreamRevision()): 1n or 0n.
      if (!this.throwOnAppendFailure)
        return {
          success: false,
          nextExpectedRevision: decision.current === 'no_stream' ? -1n : 1n,
          position: undefined,
        };
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current: decision.current });
    }
    const written = this.commit([
      { streamId: streamName, events: list.map((e) => ({ ...e, metadata: roundTrip(e.metadata) })) },
    ]);
    const last = written[written.length - 1];
    return { success: true, nextExpectedRevision: last.recorded.revision, position: positionOf(last) };
  }

  /**
   * In the order the real checks run: the client's capability check (`dist/streams/appendToStream/index.js`),
   * its metadata check (`multiStreamAppend.js`), then the server's: a stream twice in the session
   * (`Modules/Streams/StreamsService.cs` WithRequest, names compared ignoring case), the leader
   * (`WriteEvents` with requireLeader), then expected revisions and idempotency
   * (`Services/Storage/ReaderIndex/IndexWriter.cs` CheckCommit, `StorageWriterService.cs` VerifyCommitChecks).
   */
  async multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult> {
    this.maybeFail('multiStreamAppend');
    this.multiStreamAppendCalls.push(requests);
    if (!(await this.capabilities).supports({ path: APPEND_SESSION }))
      throw new UnsupportedError('multiStreamAppend', '25.1');
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
    const seen = new Set<string>();
    for (const { streamName } of requests) {
      if (seen.has(streamName.toLowerCase())) throw streamAlreadyInAppendSessionError(streamName);
      seen.add(streamName.toLowerCase());
    }
    if (this.node !== this.cluster.leader) {
      const [host, port] = this.cluster.leader.split(':');
      throw notLeaderError({ host, port: Number(port) });
    }
    const decisions = requests.map((r) => this.decide(r.streamName, r.expectedState, r.events));
    if (decisions.every((d) => d.kind === 'idempotent')) {
      const ends = decisions.map((d) => (d as { end: Entry }).end);
      return {
        position: ends.reduce((max, end) => (end.at > max ? end.at : max), 0n),
        responses: requests.map((r, i) => ({ streamName: r.streamName, revision: ends[i].recorded.revision })),
      };
    }
    if (decisions.every((d) => d.kind === 'ok' || d.kind === 'wrong')) {
      const failed = decisions.findIndex((d) => d.kind === 'wrong');
      if (failed >= 0) {
        const { streamName, expectedState } = requests[failed];
        const { current } = decisions[failed] as { current: bigint | 'no_stream' };
        throw new WrongExpectedVersionError(undefined, { streamName, expected: expectedState, current });
      }
    } else {
      // Part idempotent: the server answers a conflict naming no stream, which StreamsService
      // cannot map (FailureStreamIndexes is empty) and reports as an internal error.
      throw convertToCommandError(grpcError(GRPC.INTERNAL, 'An internal server error occurred.'));
    }
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
      position: written[written.length - 1].at,
      responses: requests.map((r) => ({
        streamName: r.streamName,
        revision: this.cluster.streams.get(r.streamName)!.at(-1)!.recorded.revision,
      })),
    };
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterableIterator<ResolvedEvent> {
    return (async function* (self: SimulatedKurrentClient) {
      self.maybeFail('readStream');
      const stream = self.cluster.streams.get(streamName);
      if (!stream) throw bridgeError('StreamNotFoundError', `${streamName} not found`, streamName);
      const backwards = options.direction === BACKWARDS;
      const from = options.fromRevision ?? (backwards ? END : START);
      let events = (backwards ? [...stream].reverse() : stream).map((entry) => entry.recorded);
      if (typeof from === 'bigint')
        events = events.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
      yield* events
        .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER))
        .map((event) => ({ event: copy(event) }));
    })(this);
  }

  /**
   * Forwards reads include the event at `fromPosition` (KurrentDB `Enumerator.ReadAllForwardsFiltered.cs`
   * reads its first page from it); backwards reads stop before it (`ReaderIndex/AllReader.cs`).
   */
  readAll(options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> {
    return (async function* (self: SimulatedKurrentClient) {
      self.maybeFail('readAll');
      const backwards = options.direction === BACKWARDS;
      const from = options.fromPosition ?? (backwards ? END : START);
      let entries = (backwards ? [...self.cluster.log].reverse() : self.cluster.log).filter((e) =>
        matches(options.filter, e.recorded),
      );
      if (typeof from === 'object')
        entries = entries.filter((e) => (backwards ? e.at < from.commit : e.at >= from.commit));
      yield* entries
        .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER))
        .map((entry) => ({ event: copy(entry.recorded), commitPosition: entry.at }));
    })(this);
  }

  /**
   * Catch-up then live. Unlike reads, the subscription starts AFTER `fromPosition`: the server skips
   * every event at or before its checkpoint (KurrentDB `Enumerator.AllSubscriptionFiltered.cs`,
   * `eventPosition <= checkpoint`). Errors reach the stream through `convertToCommandError`
   * (client `dist/streams/utils/Subscription.js`).
   */
  subscribeToAll(options: SubscribeToAllOptions = {}, readableOptions: ReadableOptions = {}): AllStreamSubscription {
    const subscription = new SimulatedSubscription(this, this.cluster, options.filter, readableOptions);
    const failure = this.failures.get('subscribeToAll')?.shift();
    setImmediate(() => {
      if (subscription.cancelled) return;
      if (failure !== undefined) return void subscription.emit('error', convertToCommandError(failure as Error));
      subscription.emit('confirmation');
      const from = options.fromPosition ?? START;
      for (const entry of this.cluster.log) {
        if (from === END || (typeof from === 'object' && entry.at <= from.commit)) continue;
        subscription.offer(entry);
      }
      this.cluster.live.add(subscription);
    });
    return subscription as unknown as AllStreamSubscription;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of this.cluster.live) if (subscription.client === this) subscription.cancel();
  }

  // ---- internals ------------------------------------------------------------------------------

  private maybeFail(method: string): void {
    const error = this.failures.get(method)?.shift();
    if (error !== undefined) throw error;
  }

  /** KurrentDB `IndexWriter.CheckCommit`: expected revision, or the same event ids already written. */
  private decide(streamName: string, expected: AppendStreamState, events: Pick<EventData, 'id'>[]): Decision {
    const stream = this.cluster.streams.get(streamName) ?? [];
    const current: bigint | 'no_stream' = stream.length > 0 ? stream[stream.length - 1].recorded.revision : NO_STREAM;
    const currentNumber = current === NO_STREAM ? -1n : current;
    if (expected === STREAM_EXISTS && current === NO_STREAM) return { kind: 'wrong', current };
    if (expected === ANY || expected === STREAM_EXISTS) {
      const found = events.map(({ id }) => stream.find((entry) => entry.recorded.id === id));
      if (!found[0]) return { kind: 'ok' };
      if (found.some((entry) => !entry)) return { kind: 'corrupted', current };
      return { kind: 'idempotent', end: found[found.length - 1]! };
    }
    const expectedNumber = expected === NO_STREAM ? -1n : expected;
    if (expectedNumber < currentNumber) {
      const start = Number(expectedNumber) + 1;
      const same = events.map(({ id }, i) => stream[start + i]?.recorded.id === id);
      if (!same[0]) return { kind: 'wrong', current };
      if (same.some((match) => !match)) return { kind: 'corrupted', current };
      return { kind: 'idempotent', end: stream[start + events.length - 1] };
    }
    return expectedNumber > currentNumber ? { kind: 'wrong', current } : { kind: 'ok' };
  }

  /** Appends to the log and tells live subscriptions; `reported` replaces the position readers see. */
  private commit(
    writes: { streamId: string; events: Pick<EventData, 'id' | 'type' | 'data' | 'metadata'>[] }[],
    reported?: Position,
  ): Entry[] {
    const written: Entry[] = [];
    for (const { streamId, events } of writes) {
      const stream = this.cluster.streams.get(streamId) ?? [];
      for (const e of events) {
        const at = this.cluster.nextPosition;
        this.cluster.nextPosition += 137n + BigInt(JSON.stringify(e.data).length);
        const recorded = {
          streamId,
          id: e.id,
          isJson: true,
          revision: BigInt(stream.length),
          type: e.type,
          created: new Date(),
          data: roundTrip(e.data),
          metadata: e.metadata,
          position: reported ?? { commit: at, prepare: at },
        } as AllStreamRecordedEvent;
        const entry = { at, recorded };
        stream.push(entry);
        written.push(entry);
      }
      this.cluster.streams.set(streamId, stream);
    }
    this.cluster.log.push(...written);
    for (const subscription of this.cluster.live) for (const entry of written) subscription.offer(entry);
    return written;
  }
}

class SimulatedSubscription extends Readable {
  cancelled = false;

  constructor(
    readonly client: SimulatedKurrentClient,
    private readonly cluster: Cluster,
    private readonly eventFilter: Filter | undefined,
    options: ReadableOptions,
  ) {
    super({ ...options, objectMode: true });
  }

  override _read(): void {
    // Pushed by the server.
  }

  offer(entry: Entry): void {
    if (!this.cancelled && matches(this.eventFilter, entry.recorded))
      this.push({ event: copy(entry.recorded), commitPosition: entry.at });
  }

  cancel(): void {
    this.cancelled = true;
    this.cluster.live.delete(this);
  }

  async unsubscribe(): Promise<void> {
    this.cancel();
  }
}

function positionOf(entry: Entry): Position {
  return { commit: entry.at, prepare: entry.at };
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
