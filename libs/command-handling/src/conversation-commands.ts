import {
  AgentEvent,
  AgentState,
  ConversationCommand,
  ConversationEvent,
  ConversationState,
  Decided,
  Queue,
  QueueEvent,
  Workstream,
  WorkstreamEvent,
  contextNeeds,
  decideConversation,
  evolveAgent,
  evolveConversation,
  evolveQueue,
  evolveWorkstream,
  overdueTimer,
  streamOf,
  streams,
} from '#domain';
import { Actor, AppendRequest, EventStore } from '#event-store';
import { Clock } from '#clock';
import { Cause, TIMER_CAUSE } from './cause';
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

  execute(command: ConversationCommand, cause: Cause): Promise<ConversationCommandResult> {
    return withRetries(
      () => this.attempt(command, cause),
      () => `${command.type} on conversation '${command.conversationId}'`,
    );
  }

  private async attempt(command: ConversationCommand, cause: Cause): Promise<ConversationCommandResult> {
    const conversation = await this.cache.load(streams.conversation(command.conversationId), evolveConversation);
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
      // The deadline happened first: decide it, then the command on the state it left.
      await this.execute(overdue, TIMER_CAUSE);
      return this.attempt(command, cause);
    }
    const needs = contextNeeds(command, s);
    const agents = await this.loadAgents(needs.agentIds);
    const workstream = needs.workstreamId ? await this.loadWorkstream(needs.workstreamId) : undefined;
    const queueIds = await this.existingQueues(needs.queueIds);
    const decided = decideConversation(
      command,
      { conversation: s, agents: stateMap(agents), workstream, queueIds },
      this.clock.now(),
    );
    if (decided.length === 0) {
      return {
        conversationId: command.conversationId,
        statusReason: s!.status,
        position: conversation.lastPosition,
        events: [],
      };
    }
    const after = decided
      .filter((e): e is ConversationEvent => e.type.startsWith('conversation.'))
      .reduce(evolveConversation, s);
    const actor = resolveActor(cause.actor, after!);
    const requests = appendRequests(
      decided,
      [[streams.conversation(command.conversationId), conversation], ...agents],
      actor,
      cause,
      after!.status,
    );
    const result = await this.store.append(requests);
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

const stateMap = (agents: [string, LoadedStream<AgentState>][]): Map<string, AgentState> =>
  new Map(agents.flatMap(([, loaded]) => (loaded.state ? [[loaded.state.id, loaded.state] as const] : [])));

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
