import { DynamicModule, Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AsyncContext, CommandBus, CqrsModule, ICommand } from '@nestjs/cqrs';
import { CommandObserver } from './command-observer';

/**
 * The command bus of the application: the library's own, with every command passing the observer (its log line,
 * its metrics, the shutdown gate) around its handler. @nestjs/cqrs has no middleware for commands, so the hook is
 * this subclass, declared as the CommandBus provider in `observedCqrsModule` — every sender and handler meets it.
 */
@Injectable()
export class ObservedCommandBus extends CommandBus {
  constructor(
    moduleRef: ModuleRef,
    // Named: the second parameter would otherwise inherit CommandBus's own injection (the module's options).
    @Inject(CommandObserver) private readonly observer: CommandObserver,
  ) {
    super(moduleRef);
  }

  override execute<R>(command: ICommand, context?: AsyncContext): Promise<R> {
    return this.observer.run(command, () => super.execute<ICommand, R>(command, context));
  }
}

/**
 * CqrsModule with ObservedCommandBus as its CommandBus: the module registers the handlers on it and exports it, so
 * it is the bus every module injects. (A dynamic module's providers come after the static ones and replace the
 * provider of the same token.)
 */
export const observedCqrsModule = (): DynamicModule => {
  const cqrs = CqrsModule.forRoot();
  return { ...cqrs, providers: [...(cqrs.providers ?? []), { provide: CommandBus, useClass: ObservedCommandBus }] };
};
