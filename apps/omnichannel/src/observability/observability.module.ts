import { Global, Module } from '@nestjs/common';
import { CommandObserver } from './command-observer';
import { HttpObserver } from './http-observer';
import { Metrics } from './metrics';
import { ShutdownHooks } from './shutdown-hooks';

/** Metrics, the command log and gate, HTTP timing and the shutdown hooks: available to every module. */
@Global()
@Module({
  providers: [Metrics, CommandObserver, HttpObserver, ShutdownHooks],
  exports: [Metrics, CommandObserver, HttpObserver, ShutdownHooks],
})
export class ObservabilityModule {}
