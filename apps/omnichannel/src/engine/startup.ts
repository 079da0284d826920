import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventStore } from '#event-store';
import { ProjectionRunner } from '#read-models';
import { Readiness } from '../health/readiness';
import { EVENT_STORE } from '../tokens';

/** Catches the read models up with the store in the background; /health answers 200 only after. */
@Injectable()
export class Startup implements OnApplicationBootstrap {
  private readonly logger = new Logger(Startup.name);

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly readiness: Readiness,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    const store = this.store;
    if (store.health) this.readiness.register('eventStore', () => store.health!());
    const started = Date.now();
    this.runner.start().then(
      () => {
        this.readiness.ready = true;
        this.logger.log(`read models caught up to position ${this.runner.position} in ${Date.now() - started} ms`);
      },
      (error) => this.logger.error(`read models failed to catch up: ${error instanceof Error ? error.stack : error}`),
    );
  }
}
