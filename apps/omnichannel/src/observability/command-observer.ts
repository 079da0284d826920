import { HttpException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ConcurrencyConflictError, ConversationCommandResult } from '#command-handling';
import { DomainError, isTimerCommand } from '#domain';
import { EventStoreUnavailableError } from '#event-store';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { DOMAIN_ERROR_STATUS } from '../http/error-filter';
import { RunAgentCommand } from '../setup/setup.commands';
import { Metrics } from './metrics';
import { InFlight } from './in-flight';
import { requestIdOf } from './served-request';

export type Outcome = 'accepted' | 'duplicate' | 'refused' | 'conflict' | 'unavailable' | 'failed';

/** What a command is about, for its log line and its metric labels. */
interface Subject {
  command: string;
  /** The ids the command names (agentId, queueId, workstreamId): logged, never labels. A conversation's is its own field. */
  ids?: Record<string, string>;
  conversation?: RunConversationCommand;
  /** The HTTP request it was sent from, if any. */
  requestId?: string;
}

const subjectOf = (command: object): Subject => {
  const requestId = requestIdOf(command);
  if (command instanceof RunConversationCommand) {
    return { command: command.command.type, conversation: command, requestId };
  }
  if (command instanceof RunAgentCommand) {
    return { command: command.command.type, ids: { agentId: command.command.agentId }, requestId };
  }
  // Configuration writes (and any command added later): the class name, and every id it carries.
  const name = command.constructor.name;
  const ids = Object.entries(command).filter(([key, value]) => key.endsWith('Id') && typeof value === 'string');
  return { command: name.charAt(0).toLowerCase() + name.slice(1), ids: Object.fromEntries(ids), requestId };
};

const positionOf = (result: unknown): number | undefined =>
  typeof result === 'number'
    ? result
    : typeof (result as { position?: unknown } | undefined)?.position === 'number'
      ? (result as { position: number }).position
      : undefined;

/** The outcome of a failed command and the status the HTTP layer answers it with. */
const failureOf = (error: unknown): { outcome: Outcome; status: number } => {
  if (error instanceof DomainError) return { outcome: 'refused', status: DOMAIN_ERROR_STATUS[error.kind] };
  if (error instanceof ConcurrencyConflictError) return { outcome: 'conflict', status: 409 };
  if (error instanceof EventStoreUnavailableError) return { outcome: 'unavailable', status: 503 };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { outcome: status === 503 ? 'unavailable' : status < 500 ? 'refused' : 'failed', status };
  }
  return { outcome: 'failed', status: 500 };
};

/**
 * Every command, whoever sends it (HTTP, Kafka, timers, distribution), passes `CommandBus.execute`, which is
 * `ObservedCommandBus`: it is observed there, once — a log line with its conversation, outcome and store
 * position, and its metrics. It is also the gate a clean shutdown closes: afterwards new commands are refused
 * (503) and those in flight finish.
 */
@Injectable()
export class CommandObserver {
  private readonly inFlight = new InFlight();
  private readonly durations = new Map<string, { observe(seconds: number): void }>();

  constructor(
    private readonly metrics: Metrics,
    @InjectPinoLogger('Commands') private readonly logger: PinoLogger,
  ) {}

  /** From now on new commands are refused; resolves once none is in flight, false after `timeoutMs`. */
  close(timeoutMs: number): Promise<boolean> {
    return this.inFlight.close(timeoutMs);
  }

  /** Runs one command through `execute` (its handler), observed and behind the gate. */
  async run<T>(command: object, execute: () => Promise<T>): Promise<T> {
    const subject = subjectOf(command);
    if (this.inFlight.closing) {
      const refusal = new ServiceUnavailableException('the service is shutting down: send the command again');
      this.record(subject, { outcome: 'unavailable', status: 503 }, 0, undefined, refusal);
      throw refusal;
    }
    this.inFlight.enter();
    this.metrics.commandsInFlight.inc();
    // A double, not two BigInts a command: sub-microsecond resolution is more than a log line shows.
    const started = performance.now();
    try {
      const result = await execute();
      const duplicate = (result as { duplicate?: boolean } | undefined)?.duplicate === true;
      this.record(subject, { outcome: duplicate ? 'duplicate' : 'accepted' }, performance.now() - started, result);
      return result;
    } catch (error) {
      this.record(subject, failureOf(error), performance.now() - started, undefined, error);
      throw error;
    } finally {
      this.inFlight.leave();
      this.metrics.commandsInFlight.dec();
    }
  }

  private record(
    { command, ids, conversation, requestId }: Subject,
    { outcome, status }: { outcome: Outcome; status?: number },
    ms: number,
    result?: unknown,
    error?: unknown,
  ): void {
    const statusLabel = status === undefined ? '' : String(status);
    this.metrics.commandTally.add(`${command}\u0000${outcome}\u0000${statusLabel}`, () => ({
      command,
      outcome,
      status: statusLabel,
    }));
    if (ms > 0) this.durationOf(command).observe(ms / 1e3);
    const changed = (result as ConversationCommandResult | undefined)?.events?.length ?? 0;
    if (conversation) this.recordConversation(conversation, outcome, changed);

    // One literal in the documented field order (docs/operations.md), one shape for every conversation command:
    // pino leaves out the fields that are undefined. Other commands' ids go first, copied (they are few).
    const statusReason = (result as { statusReason?: unknown } | undefined)?.statusReason;
    const fields = {
      reqId: requestId,
      conversationId: conversation?.command.conversationId,
      command,
      outcome,
      status,
      position: positionOf(result),
      statusReason: typeof statusReason === 'string' ? statusReason : undefined,
      events: conversation ? changed : undefined,
      actor: conversation ? actorOf(conversation) : undefined,
      durationMs: Math.round(ms * 1e3) / 1e3,
      reason: error === undefined ? undefined : error instanceof Error ? error.message : String(error),
    };
    const line = ids ? { ...ids, ...fields } : fields;
    if (outcome === 'failed') this.logger.error({ ...line, err: error }, `${command} failed`);
    else if (outcome === 'conflict' || outcome === 'unavailable') this.logger.warn(line, `${command} ${outcome}`);
    else this.logger.info(line, `${command} ${outcome}`);
  }

  /** The duration histogram's child for `command`, bound once rather than labelled on every command. */
  private durationOf(command: string): { observe(seconds: number): void } {
    let child = this.durations.get(command);
    if (!child) {
      child = this.metrics.commandDuration.labels(command);
      this.durations.set(command, child);
    }
    return child;
  }

  private recordConversation({ command, cause }: RunConversationCommand, outcome: Outcome, changed: number): void {
    if (cause.causationId !== undefined) {
      const channelOutcome = outcome === 'accepted' ? 'applied' : outcome;
      if (channelOutcome === 'applied' || channelOutcome === 'duplicate' || channelOutcome === 'refused')
        this.metrics.channelEvents.inc({ outcome: channelOutcome });
    }
    if (outcome !== 'accepted' || changed === 0) return;
    if (isTimerCommand(command)) this.metrics.timersFired.inc({ kind: command.type });
    if (command.type === 'assign') this.metrics.assignments.inc();
  }
}

const actorOf = ({ cause }: RunConversationCommand): string =>
  cause.actor === 'customer' ? 'customer' : `${cause.actor.kind}:${cause.actor.id}`;
