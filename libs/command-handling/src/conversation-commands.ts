import {
  AgentEvent,
  AgentState,
  ConversationCommand,
  ConversationState,
  Decided,
  DomainError,
  Queue,
  QueueEvent,
  Workstream,
  WorkstreamEvent,
  Folded,
  agentsById,
  contextNeeds,
  decideConversation,
  evolveAgent,
  evolveConversation,
  evolveQueue,
  evolveWorkstream,
  fold,
  overdueTimer,
  streamOf,
  streams,
} from '#domain';
import { Actor, AppendRequest, EventStore, WrongExpectedRevisionError } from '#event-store';
import { Clock } from '#clock';
import { Cause, TIMER_CAUSE } from './cause';
import { decideInTurn } from './command-path';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './conflicts';
import { channelEventMarker, channelEventStream, toNewEvent } from '#event-envelope';
import { LoadedStream, StreamCache } from './stream-cache';

export interface ConversationCommandResult {
  conversationId: string;
  /** Absent only for a duplicate naming a conversation that does not exist. */
  statusReason?: string;
  /** Store position of the command's last event (or of the conversation's last event when nothing changed). */
  position: number;
  /** The channel event had been applied before: nothing was written. */
  duplicate?: boolean;
  /** The events written (empty for a duplicate or a command that changed nothing). */
  events: Decided[];
}

/** Load what the command needs, decide, append with expected revisions; retry when a race is lost. */
export class ConversationCommands {
  constructor(
    private readonly store: EventStore,
    private readonly cache: StreamCache,
    private readonly clock: Clock,
    /** How lost races are retried: a simulation passes a seeded, virtual-time one. */
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /**
   * Serialised with every other command of this process touching the same streams (see StreamLocks); the locks
   * pass to the next command once the append is queued (see StreamCache.append). An answer that wrote nothing
   * may rest on appends not durable yet: it waits for them, and the command is decided again if one failed.
   */
  async execute(command: ConversationCommand, cause: Cause): Promise<ConversationCommandResult> {
    const conversationId = streams.conversation(command.conversationId);
    // The capacity holder too, whatever the command: an overdue timer decided first may release its units.
    const touched = (s: ConversationState | undefined) => [
      conversationId,
      ...[...contextNeeds(command, s).agentIds, ...(s?.capacityHolder ? [s.capacityHolder] : [])].map((id) =>
        streams.agent(id),
      ),
    ];
    // A request creates its conversation: decided on it as new without a read, until that proves wrong once.
    let unread = command.type === 'request';
    const load = async () =>
      (unread && this.cache.unread(conversationId, evolveConversation)) ||
      (await this.cache.load(conversationId, evolveConversation));
    for (;;) {
      let result: ConversationCommandResult;
      try {
        result = await decideInTurn(
          this.cache,
          () => {
            // The load that confirms the locks is the one the decision reads: nothing here writes in between.
            let loaded: LoadedStream<ConversationState> | undefined;
            return this.cache.locks.serialise(
              touched(this.cache.peek<ConversationState>(conversationId)),
              async () => touched((loaded = await load()).state),
              (handOver) => this.attempt(command, cause, handOver, loaded),
            );
          },
          () => describe(command),
          this.retry,
          // A refusal is decided again once an earlier delivery of its channel event made it a duplicate.
          () => this.appliedElsewhere(cause),
        );
      } catch (error) {
        if (!(error instanceof ReadFirst)) throw error;
        unread = false;
        continue;
      }
      if (result.events.length > 0) return result;
      if (!(await this.cache.settled())) continue;
      const { lastPosition } = await this.cache.load(conversationId, evolveConversation);
      return { ...result, position: Math.max(result.position, lastPosition) };
    }
  }

  private async attempt(
    command: ConversationCommand,
    cause: Cause,
    handOver: () => void = () => undefined,
    preloaded?: LoadedStream<ConversationState>,
  ): Promise<ConversationCommandResult> {
    const conversation =
      preloaded ?? (await this.cache.load(streams.conversation(command.conversationId), evolveConversation));
    const s = conversation.state;
    const duplicate = (): ConversationCommandResult => ({
      conversationId: command.conversationId,
      statusReason: s?.status,
      position: conversation.lastPosition,
      duplicate: true,
      events: [],
    });
    // Anything but a queued append rests on the unread conversation being empty: decided again on a read.
    const unread = conversation.unread !== undefined;
    // Applied to this conversation before: known without asking the store.
    if (cause.causationId && conversation.causations.has(cause.causationId)) return duplicate();
    const overdue = overdueTimer(command, s, this.clock.now());
    if (overdue) {
      // The deadline happened first: decide it, then the command on the state it left (inside the same locks).
      await withRetries(
        () => this.attempt(overdue, TIMER_CAUSE),
        () => describe(overdue),
        this.retry,
      );
      return this.attempt(command, cause, handOver);
    }
    const needs = contextNeeds(command, s);
    const agents = await this.loadAgents(needs.agentIds);
    const workstream = needs.workstreamId ? await this.loadWorkstream(needs.workstreamId) : undefined;
    const queueIds = await this.existingQueues(needs.queueIds);
    const before: Folded = { conversation: s, agents: agentsById(agents.map(([, loaded]) => loaded.state)) };
    let decided: Decided[];
    try {
      decided = decideConversation(command, { ...before, workstream, queueIds }, this.clock.now());
    } catch (error) {
      if (unread && error instanceof DomainError) throw new ReadFirst();
      // Applied elsewhere before: ignored, not refused (a redelivery must not be dead-lettered).
      if (error instanceof DomainError && (await this.appliedElsewhere(cause))) return duplicate();
      throw error;
    }
    if (decided.length === 0) {
      if (unread) throw new ReadFirst();
      if (await this.appliedElsewhere(cause)) return duplicate();
      return {
        conversationId: command.conversationId,
        statusReason: s!.status,
        position: conversation.lastPosition,
        events: [],
      };
    }
    const after = fold(decided, before).conversation;
    const actor = resolveActor(cause.actor, after!);
    const decidedOn: [string, LoadedStream<unknown>][] = [
      [streams.conversation(command.conversationId), conversation],
      ...agents,
    ];
    const requests = appendRequests(decided, decidedOn, actor, cause, after!.status);
    // The marker claims the channel event for the whole store; a redelivery on another conversation, here or in
    // another process, loses its `no_stream` check (docs/decisions.md, "One eventId once").
    const now = this.clock.now();
    const markers = cause.causationId
      ? [channelEventMarker(cause.causationId, command.conversationId, actor, cause.occurredAt ?? now, now)]
      : [];
    let result;
    try {
      result = await this.cache.append(
        this.store,
        requests,
        decidedOn.map(([, loaded]) => loaded),
        handOver,
        markers,
      );
    } catch (error) {
      // The conversation existed (or the channel event was applied): the duplicate's answer needs the real state.
      if (unread && error instanceof WrongExpectedRevisionError) throw new ReadFirst();
      if (error instanceof WrongExpectedRevisionError && (await this.appliedElsewhere(cause, error)))
        return duplicate();
      throw error;
    }
    return {
      conversationId: command.conversationId,
      statusReason: after!.status,
      position: result.position,
      events: decided,
    };
  }

  /**
   * Whether the cause's channel event was applied before, to any conversation: its marker stream exists. Asked
   * only when the answer matters (a refusal, nothing to do, a lost revision check), so a first delivery costs no read.
   */
  private async appliedElsewhere(cause: Cause, conflict?: WrongExpectedRevisionError): Promise<boolean> {
    if (!cause.causationId) return false;
    const stream = channelEventStream(cause.causationId);
    if (conflict?.streamId === stream) return true;
    return (await this.store.readStream(stream)).length > 0;
  }

  private loadAgents(ids: string[]): Promise<[string, LoadedStream<AgentState>][]> {
    return Promise.all(
      ids.map(
        async (id) =>
          [streams.agent(id), await this.cache.load<AgentState, AgentEvent>(streams.agent(id), evolveAgent)] as [
            string,
            LoadedStream<AgentState>,
          ],
      ),
    );
  }

  private async loadWorkstream(id: string): Promise<Workstream | undefined> {
    return (await this.cache.load<Workstream, WorkstreamEvent>(streams.workstream(id), evolveWorkstream)).state;
  }

  private async existingQueues(ids: string[]): Promise<Set<string>> {
    const loaded = await Promise.all(
      ids.map((id) => this.cache.load<Queue, QueueEvent>(streams.queue(id), evolveQueue)),
    );
    return new Set(ids.filter((_, i) => loaded[i].state));
  }
}

/** A decision taken on an unread conversation that does not stand as it is: the command is decided again on a read. */
class ReadFirst extends Error {}

const describe = (command: ConversationCommand) => `${command.type} on conversation '${command.conversationId}'`;

const resolveActor = (actor: Cause['actor'], s: ConversationState): Actor =>
  actor === 'customer' ? { kind: 'customer', id: s.customer.id } : actor;

/** One request per stream written, each guarded by the revision the decision was taken on. */
const appendRequests = (
  decided: Decided[],
  loaded: [string, LoadedStream<unknown>][],
  actor: Actor,
  cause: Cause,
  statusReason: string,
): AppendRequest[] => {
  const revisions = new Map(loaded.map(([id, l]) => [id, l.revision]));
  const byStream = new Map<string, AppendRequest>();
  for (const event of decided) {
    const streamId = streamOf(event);
    const revision = revisions.get(streamId) ?? -1;
    const request = byStream.get(streamId) ?? {
      streamId,
      expectedRevision: revision < 0 ? 'no_stream' : revision,
      events: [],
    };
    request.events.push(
      toNewEvent(event, actor, cause, event.type.startsWith('conversation.') ? statusReason : undefined),
    );
    byStream.set(streamId, request);
  }
  return [...byStream.values()];
};
