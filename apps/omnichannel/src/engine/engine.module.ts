import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigurationCommands, ConversationCommands, StreamCache } from '#command-handling';
import { EventStore } from '#event-store';
import { Db, ProjectionRunner, allProjections, allQueries, openReadModelDb } from '#read-models';
import { Clock, ManualClock, SystemClock } from '#clock';
import { Config } from '../config';
import { meteredEventStore } from '../observability/metered-event-store';
import { Metrics } from '../observability/metrics';
import { createEventStore } from './event-store.factory';
import { CLOCK, CONFIG, EVENT_STORE, READ_MODEL_DB } from '../tokens';

/** Wires the ports to their adapters: the only place that knows which store and clock run. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [CONFIG, Metrics],
      useFactory: async (config: Config, metrics: Metrics): Promise<EventStore> =>
        meteredEventStore(await createEventStore(config), metrics),
    },
    {
      provide: CLOCK,
      inject: [CONFIG],
      useFactory: (config: Config): Clock =>
        config.manualClockStart ? new ManualClock(config.manualClockStart) : new SystemClock(),
    },
    { provide: READ_MODEL_DB, inject: [CONFIG], useFactory: (config: Config) => openReadModelDb(config.dataDir) },
    {
      provide: StreamCache,
      inject: [EVENT_STORE],
      // An in-order store is written by this process alone (docs/instances.md), and here only through the cache.
      useFactory: (store: EventStore) => new StreamCache(store, { soleWriter: store.appendsInOrder === true }),
    },
    {
      provide: ConversationCommands,
      inject: [EVENT_STORE, StreamCache, CLOCK],
      useFactory: (store: EventStore, cache: StreamCache, clock: Clock) =>
        new ConversationCommands(store, cache, clock),
    },
    {
      provide: ConfigurationCommands,
      inject: [EVENT_STORE, StreamCache, CLOCK],
      useFactory: (store: EventStore, cache: StreamCache, clock: Clock) =>
        new ConfigurationCommands(store, cache, clock),
    },
    {
      provide: ProjectionRunner,
      inject: [READ_MODEL_DB, EVENT_STORE],
      useFactory: (db: Db, store: EventStore) => new ProjectionRunner(db, store, allProjections),
    },
    // Queries prepare statements on the tables the runner's projections create: the runner comes first.
    ...allQueries.map((Queries) => ({
      provide: Queries,
      inject: [READ_MODEL_DB, EVENT_STORE, ProjectionRunner],
      useFactory: (db: Db, store: EventStore) => new Queries(db, store),
    })),
  ],
  exports: [
    EVENT_STORE,
    CLOCK,
    StreamCache,
    ConversationCommands,
    ConfigurationCommands,
    ProjectionRunner,
    ...allQueries,
  ],
})
export class EngineModule implements OnApplicationShutdown {
  /** The configuration is read once, in main.ts, and provided from here to every module. */
  static forRoot(config: Config): DynamicModule {
    return { module: EngineModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: Db,
    private readonly runner: ProjectionRunner,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.store.close();
    this.db.close();
  }
}
