import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PARTITION_COUNT } from '#scheduling';
import { AppModule } from './app.module';
import { Config, isLoopback, readConfig, sharedStore } from './config';
import { DataDirLock, DataDirLockedError } from './engine/data-dir-lock';
import { access } from './health/health.controller';
import { InstanceOwnership } from './instances/instance-ownership';
import { EventStore } from '#event-store';
import { SoleOwnerEvents, SoleOwnerLock } from './instances/sole-owner-lock';
import { StoreLease } from './instances/store-lease';
import { createEventStore } from './engine/event-store.factory';
import { httpAdapter } from './http/http-adapter';
import { validationPipe } from './http/validation';
import { setUpOperations } from './observability/operations';
import { exitOnStartupFailure } from './process/startup-failure';
import { stopWithParent } from './process/stop-with-parent';

/** Held for the life of the process (DataDirLock keeps every lock it took): the OS lets it go at exit. */
let dataDirLock: DataDirLock;

/** A second process on a held data directory stops here, with one line naming the holder. */
const holdDataDir = (config: Config): DataDirLock => {
  try {
    return DataDirLock.acquire(config.dataDir, config.instanceId);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
};

/** Without Kafka on a shared store: this instance owns every partition, or does not start. */
let soleOwner: SoleOwnerLock | StoreLease | undefined;
/** Set once the application exists: the lock or lease may go (and come back) at any time after start. */
let ownership: InstanceOwnership | undefined;
/** The lease's own client to EventStoreDB, apart from the engine's. */
let leaseStore: EventStore | undefined;

/** It cannot know whether another instance took over meanwhile: it owns nothing until it holds the lock again. */
const soleOwnerEvents = (what: string): SoleOwnerEvents => {
  const logger = new Logger('Partitions');
  return {
    lost: (error) => {
      logger.warn(`sole ownership lost (${error.message}): owning no partition until the ${what} is taken again`);
      ownership?.assign([]);
    },
    regained: () => {
      logger.log('sole ownership taken again: owning every partition');
      ownership?.assign(Array.from({ length: PARTITION_COUNT }, (_, i) => i));
    },
  };
};

/** PostgreSQL: a session advisory lock. EventStoreDB, which has no lock: a lease kept in a stream, on its own client. */
const holdSoleOwnership = async (config: Config): Promise<SoleOwnerLock | StoreLease> => {
  try {
    if (config.postgres)
      return await SoleOwnerLock.acquire(config.postgres.url, config.instanceId, soleOwnerEvents('lock'));
    leaseStore = await createEventStore(config);
    return await StoreLease.acquire(leaseStore, config.instanceId, soleOwnerEvents('lease'), {
      storeName: 'EventStoreDB',
      observing: (holder, upToMs) =>
        new Logger('Partitions').log(
          `the sole-owner lease is held by ${holder}: waiting up to ${upToMs / 1000} s to see whether it is renewed`,
        ),
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
};

async function bootstrap(): Promise<void> {
  const config = readConfig();
  dataDirLock = holdDataDir(config);
  if (sharedStore(config) && !config.kafkaBrokers?.length) soleOwner = await holdSoleOwnership(config);
  // bufferLogs: what Nest logs while starting goes to the pino logger once setUpOperations installs it.
  // bodyParser: Fastify's own JSON parser, set up by httpAdapter (its limit, no other content type).
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), httpAdapter(), {
    bufferLogs: true,
    bodyParser: false,
  });
  const instance = app.get(InstanceOwnership);
  ownership = instance;
  if (soleOwner instanceof StoreLease) {
    const lease = soleOwner;
    // Past the lease nothing is owned, whether or not the lapse has been noticed yet.
    instance.ownership.guard(() => lease.valid);
    if (!lease.valid) instance.assign([]);
    instance.onShutdown(async () => {
      await lease.release();
      await leaseStore?.close();
    });
  }
  setUpOperations(app, config);
  app.useGlobalPipes(validationPipe());
  // Every shutdown signal (the empty list); exit 0 through process.exit once shut down cleanly, which flushes the log.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.port, config.host);
  stopWithParent();
  const { authentication, listening, warning } = access(config);
  new Logger('Instance').log(
    `instance ${dataDirLock.holder.instanceId} holds ${config.dataDir}` +
      (soleOwner ? '; owns every partition of the shared store (no Kafka to share them)' : ''),
  );
  const line = `listening on ${listening}:${config.port}; authentication: ${authentication}${warning ? ` (${warning})` : ''}`;
  // Beyond loopback without authentication (OMNICHANNEL_ALLOW_UNAUTHENTICATED=true): a warning, kept at LOG_LEVEL=warn.
  if (!config.auth && !isLoopback(config.host)) new Logger('Access').warn(line);
  else new Logger('Access').log(line);
}

bootstrap().catch(exitOnStartupFailure);
