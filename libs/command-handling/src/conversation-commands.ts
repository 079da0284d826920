import {
  AgentEvent,
  AgentState,
  ConversationCommand,
  ConversationState,
  Decided,
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
import { Actor, AppendRequest, EventStore } from '#event-store';
import { Clock } from '#clock';
import { Cause, TIMER_CAUSE } from './cause';
import { decideInTurn } from './command-path';
import { withRetries } from './conflicts';
import { toNewEvent } from '#event-envelope';
import { LoadedStream, StreamCache } from './stream-cache';

export interface ConversationCommandResult {
  conversationId: string;
  statusReason: string;
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
    for (;;) {
      const result = await decideInTurn(
        this.cache,
        () => {
          // The load that confirms the locks is the one the decision reads: nothing here writes in between.
          let loaded: LoadedStream<ConversationState> | undefined;
          return this.cache.locks.serialise(
            touched(this.cache.peek<ConversationState>(conversationId)),
            async () => touched((loaded = await this.cache.load(conversationId, evolveConversation)).state),
            (handOver) => this.attempt(command, cause, handOver, loaded),
          );
        },
        () => describe(command),
      );
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
    if (cause.causationId && conversation.causations.has(cause.causationId)) {
      return {
        conversationId: command.conversationId,
        statusReason: s!.status,
        position: conversation.lastPosition,
        duplicate: true,
        events: [],
      };
    }
    const overdue = overdueTimer(command, s, this.clock.now());
    if (overdue) {
      // The deadline happened first: decide it, then the command on the state it left (inside the same locks).
      await withRetries(
        () => this.attempt(overdue, TIMER_CAUSE),
        () => describe(overdue),
      );
      return this.attempt(command, cause, handOver);
    }
    const needs = contextNeeds(command, s);
    const agents = await this.loadAgents(needs.agentIds);
    const workstream = needs.workstreamId ? await this.loadWorkstream(needs.workstreamId) : undefined;
    const queueIds = await this.existingQueues(needs.queueIds);
    const before: Folded = { conversation: s, agents: agentsById(agents.map(([, loaded]) => loaded.state)) };
    const decided = decideConversation(command, { ...before, workstream, queueIds }, this.clock.now());
    if (decided.length === 0) {
      return {
        conversationId: command.conversationId,
        statusReason: s!.status,
        position: conversation.lastPosition,
        events: [],
      };
    }
    const after = fold(decided, before).conversation;
    const actor = resolveActor(cause.actor, after!);
    const requests = appendRequests(
      decided,
      [[streams.conversation(command.conversationId), conversation], ...agents],
      actor,
      cause,
      after!.status,
    );
    const result = await this.cache.append(this.store, requests, handOver);
    return {
      conversationId: command.conversationId,
      statusReason: after!.status,
      position: result.position,
      events: decided,
    };
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
