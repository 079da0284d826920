import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { EventStore } from '#event-store';
import { ProjectionRunner } from '#read-models';
import { EVENT_STORE } from '../tokens';
import { Readiness } from '../health/readiness';
import { CommandObserver } from './command-observer';
import { HttpObserver } from './http-observer';
import { ShutdownHooks } from './shutdown-hooks';

/** How long commands and requests in flight get to finish, and the projections and outbox to catch up. */
const DRAIN_MS = 10_000;
const FLUSH_MS = 10_000;

/**
 * SIGTERM, in order: /health answers 503; the sources of commands stop (Kafka consumer, timer ticks); new
 * commands are refused (503) and those in flight finish, their answers sent; the read models and the outbox
 * catch up with the store head (their checkpoints written). Only then does Nest close the HTTP server and the
 * modules close the store. Provided by the root module, so it runs before any other module's shutdown hooks.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  constructor(
    private readonly readiness: Readiness,
    private readonly hooks: ShutdownHooks,
    private readonly commands: CommandObserver,
    private readonly http: HttpObserver,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @InjectPinoLogger('Shutdown') private readonly logger: PinoLogger,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const started = Date.now();
    this.logger.info({ signal }, 'stopping: no new commands, finishing those in flight');
    this.readiness.stopping = true;
    for (const stop of this.hooks.intake) await stop();
    const commandsDone = await this.commands.close(DRAIN_MS);
    const requestsDone = await this.http.drain(DRAIN_MS);
    const head = await this.store.headPosition();
    const projected = await this.runner.waitFor(head, FLUSH_MS);
    await Promise.all(this.hooks.flushes.map((flush) => flush(head)));
    const line = { head, projections: this.runner.position, durationMs: Date.now() - started };
    if (commandsDone && requestsDone && projected) this.logger.info(line, 'drained: closing');
    else this.logger.warn({ ...line, commandsDone, requestsDone, projected }, 'drain timed out: closing anyway');
  }
}
