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

export type Outcome = 'accepted' | 'duplicate' | 'refused' | 'conflict' | 'unavailable' | 'failed';

/** What a command is about, for its log line and its metric labels. */
interface Subject {
  command: string;
  /** The ids the command names (conversationId, agentId, queueId, workstreamId): logged, never labels. */
  ids: Record<string, string>;
  conversation?: RunConversationCommand;
}

const subjectOf = (command: object): Subject => {
  if (command instanceof RunConversationCommand) {
    return {
      command: command.command.type,
      ids: { conversationId: command.command.conversationId },
      conversation: command,
    };
  }
  if (command instanceof RunAgentCommand) {
    return { command: command.command.type, ids: { agentId: command.command.agentId } };
  }
  // Configuration writes (and any command added later): the class name, and every id it carries.
  const name = command.constructor.name;
  const ids = Object.entries(command).filter(([key, value]) => key.endsWith('Id') && typeof value === 'string');
  return { command: name.charAt(0).toLowerCase() + name.slice(1), ids: Object.fromEntries(ids) };
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
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await execute();
      const duplicate = (result as { duplicate?: boolean } | undefined)?.duplicate === true;
      this.record(subject, { outcome: duplicate ? 'duplicate' : 'accepted' }, seconds(), result);
      return result;
    } catch (error) {
      this.record(subject, failureOf(error), seconds(), undefined, error);
      throw error;
    } finally {
      this.inFlight.leave();
      this.metrics.commandsInFlight.dec();
    }
  }

  private record(
    { command, ids, conversation }: Subject,
    { outcome, status }: { outcome: Outcome; status?: number },
    seconds: number,
    result?: unknown,
    error?: unknown,
  ): void {
    const statusLabel = status === undefined ? '' : String(status);
    this.metrics.commandTally.add(`${command}\u0000${outcome}\u0000${statusLabel}`, () => ({
      command,
      outcome,
      status: statusLabel,
    }));
    if (seconds > 0) this.durationOf(command).observe(seconds);
    const changed = (result as ConversationCommandResult | undefined)?.events?.length ?? 0;
    if (conversation) this.recordConversation(conversation, outcome, changed);

    // Built field by field in the documented order (docs/operations.md): spreads cost a copy each, per command.
    const line: Record<string, unknown> = { ...ids, command, outcome };
    if (status !== undefined) line.status = status;
    line.position = positionOf(result);
    const statusReason = (result as { statusReason?: unknown } | undefined)?.statusReason;
    if (typeof statusReason === 'string') line.statusReason = statusReason;
    if (conversation) {
      line.events = changed;
      line.actor = actorOf(conversation);
    }
    line.durationMs = Math.round(seconds * 1e6) / 1e3;
    if (error !== undefined) line.reason = error instanceof Error ? error.message : String(error);
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
