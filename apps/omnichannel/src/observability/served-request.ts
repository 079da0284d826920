import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

/**
 * The request a command was sent from travels with the command, explicitly. An AsyncLocalStorage would find it
 * for any line, but on Node 20 it costs a hook on every promise the process makes: about a tenth of the CPU of
 * a lifecycle transition (issue 23, docs/performance.md).
 */
const SENT_FROM = Symbol('the id of the request the command was sent from');

type Marked = { [SENT_FROM]?: string };

/** A route handler's parameter: the id of the request it serves (the caller's X-Request-Id, or a UUID). */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<FastifyRequest>().id,
);

/** `command`, marked as sent while serving the request `requestId`: its log line carries `reqId`. */
export const sentFrom = <T extends object>(command: T, requestId: string): T => {
  (command as Marked)[SENT_FROM] = requestId;
  return command;
};

/** The id of the request `command` was sent from; undefined for Kafka, timers and distribution. */
export const requestIdOf = (command: object): string | undefined => (command as Marked)[SENT_FROM];
