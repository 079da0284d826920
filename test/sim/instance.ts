import Database from 'better-sqlite3';
import {
  ConcurrencyConflictError,
  ConfigurationCommands,
  ConversationCommands,
  RetryPolicy,
  StreamCache,
} from '#command-handling';
import { ConversationCommand, DomainError } from '#domain';
import { EventStore, EventStoreUnavailableError } from '#event-store';
import { readChannelEvent, rejectionOf } from '#kafka';
import { toCommand } from '#messaging';
import { Db, ProjectionRunner, TimerQueries, allProjections } from '#read-models';
import { EveryQuery, everyQuery } from '#read-models/testing';
import { Distributor, Ownership, TimerFiring } from '#scheduling';
import { Cause } from '#command-handling';
import { ManualClock } from '#clock';
import { Broker } from './broker';
import { FaultyStore } from './faulty-store';
import { Scheduler } from './scheduler';

/** What can go wrong on the command path without being a bug: a refusal, a lost race, the store away. */
export const isExpected = (error: unknown): boolean =>
  error instanceof DomainError ||
  error instanceof ConcurrencyConflictError ||
  error instanceof EventStoreUnavailableError;

/**
 * One simulated process of the engine: the real command path, projections, timers and push distribution over
 * its own view of the shared store. Everything here is in memory and is dropped by `restart`; only the store
 * and the read-model database (a file in production) survive it, as they would a crash.
 */
export class SimInstance {
  readonly store: FaultyStore;
  db: Db = new Database(':memory:');
  cache!: StreamCache;
  commands!: ConversationCommands;
  config!: ConfigurationCommands;
  runner!: ProjectionRunner;
  readModels!: EveryQuery;
  distributor!: Distributor;
  timers!: TimerFiring;
  /** Errors the process managers reported that are not a refusal, a lost race or the store away: bugs. */
  readonly unexpected: string[] = [];
  /** The broker partitions this instance's consumer reads, and where it has fetched up to in each. */
  readonly fetched = new Map<number, number>();

  constructor(
    readonly name: string,
    shared: EventStore,
    private readonly scheduler: Scheduler,
    private readonly clock: ManualClock,
    private readonly retry: RetryPolicy,
    public ownership: Ownership,
    private readonly broker: Broker,
    consumes: number[],
  ) {
    this.store = new FaultyStore(shared, scheduler);
    for (const p of consumes) this.fetched.set(p, 0);
  }

  /** Builds every in-memory structure from the store (and the read models' checkpoints). */
  async start(): Promise<void> {
    this.cache = new StreamCache(this.store);
    this.commands = new ConversationCommands(this.store, this.cache, this.clock, this.retry);
    this.config = new ConfigurationCommands(this.store, this.cache, this.clock, this.retry);
    this.runner = new ProjectionRunner(this.db, this.store, allProjections);
    this.readModels = everyQuery(this.db, this.store);
    this.buildProcessManagers();
    const started = this.runner.start();
    this.runner.onBatch(
      (events) => {
        this.distributor.observe(events);
        this.distributor.distributeChanged().catch((e) => this.report(e));
      },
      (e) => this.report(e),
    );
    await started;
    this.distributor.start();
    for (const p of this.fetched.keys()) this.fetched.set(p, this.broker.committed[p]);
  }

  /** A crash: everything in memory is gone; `wipeReadModels` loses the read-model file too. */
  async restart(wipeReadModels: boolean): Promise<void> {
    this.timers.stop();
    await this.runner.stop();
    if (wipeReadModels) {
      this.db.close();
      this.db = new Database(':memory:');
    }
    await this.start();
  }

  /** Partitions moved: the process managers are rebuilt for the new ownership (from the read models). */
  own(ownership: Ownership): void {
    this.ownership = ownership;
    this.timers.stop();
    this.buildProcessManagers();
    this.distributor.start();
  }

  /** What the once-a-second ticker does: fire due timers, then a distribution pass over everything. */
  async tick(): Promise<void> {
    await this.timers.fireDue();
    await this.distributor.distribute().catch((e) => this.report(e));
  }

  send = (command: ConversationCommand, cause: Cause) => this.commands.execute(command, cause);

  /** The gateway's work on one poll: up to `max` records of each partition, a conversation's in order. */
  async consume(max: number): Promise<void> {
    await Promise.all([...this.fetched.keys()].map((p) => this.consumePartition(p, max)));
  }

  /** The consumer restarts: what it fetched but did not commit is fetched again. */
  restartConsumer(): void {
    for (const p of this.fetched.keys()) this.fetched.set(p, this.broker.committed[p]);
  }

  private async consumePartition(partition: number, max: number): Promise<void> {
    const log = this.broker.partitions[partition];
    const from = Math.max(this.fetched.get(partition)!, this.broker.committed[partition]);
    const batch = log.slice(from, from + max);
    if (batch.length === 0) return;
    this.fetched.set(partition, from + batch.length);
    const byKey = new Map<string, typeof batch>();
    for (const record of batch) byKey.set(record.key, [...(byKey.get(record.key) ?? []), record]);
    const done = new Set<number>();
    await Promise.all(
      [...byKey.values()].map(async (records) => {
        for (const record of records) {
          if (!(await this.apply(record.key, record.value))) return;
          done.add(record.offset);
        }
      }),
    );
    // Commit the prefix that is done; the rest is fetched again (at least once in, once in effect).
    let committed = this.broker.committed[partition];
    while (done.has(committed)) committed++;
    this.broker.committed[partition] = Math.max(this.broker.committed[partition], committed);
    if (committed < from + batch.length) this.fetched.set(partition, committed);
  }

  /** One record through the gateway's path; false when it must be retried (not committed). */
  private async apply(key: string, value: Buffer): Promise<boolean> {
    const read = readChannelEvent(value);
    if (!read.ok) {
      this.broker.deadLetters.push({ key, reason: read.rejection.reason });
      return true;
    }
    const { command, cause } = toCommand(read.event);
    try {
      await this.commands.execute(command, cause);
      return true;
    } catch (error) {
      if (error instanceof DomainError) {
        this.broker.deadLetters.push({ key, reason: rejectionOf(error).reason });
        return true;
      }
      if (!isExpected(error)) this.report(error);
      return false;
    }
  }

  private buildProcessManagers(): void {
    this.timers = new TimerFiring(
      this.clock,
      new TimerQueries(this.db),
      this.runner,
      this.send,
      (e) => this.report(e),
      this.ownership,
    );
    this.distributor = new Distributor(this.clock, this.readModels, this.send, (e) => this.report(e), this.ownership);
  }

  private report(error: unknown): void {
    if (!isExpected(error))
      this.unexpected.push(`${this.name}: ${error instanceof Error ? error.stack : String(error)}`);
  }
}
