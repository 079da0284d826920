import {
  AgentCommand,
  AgentEvent,
  AgentState,
  DomainEvent,
  WorkstreamSettings,
  decideAgent,
  evolveAgent,
  streamOf,
  streams,
} from '#domain';
import { Actor, EventStore } from '#event-store';
import { Clock } from '#clock';
import { decideInTurn } from './command-path';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './conflicts';
import { toNewEvent } from '#event-envelope';
import { StreamCache } from './stream-cache';

/** Workstreams, queues and agents: configuration written by an operator, and agent presence. */
export class ConfigurationCommands {
  constructor(
    private readonly store: EventStore,
    private readonly cache: StreamCache,
    private readonly clock: Clock,
    /** How lost races are retried: a simulation passes a seeded, virtual-time one. */
    private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  configureWorkstream(workstreamId: string, settings: WorkstreamSettings, actor: Actor): Promise<number> {
    return this.write(
      { type: 'workstream.configured', data: { workstreamId, ...settings }, at: this.clock.now() },
      actor,
    );
  }

  configureQueue(queueId: string, name: string, actor: Actor): Promise<number> {
    return this.write({ type: 'queue.configured', data: { queueId, name }, at: this.clock.now() }, actor);
  }

  /**
   * Agent commands are decided against the agent's stream, guarded by its revision, on the path conversations'
   * take (`decideInTurn`): the agent's lock taken inside the retries, handed over once the append is queued.
   */
  agent(command: AgentCommand, actor: Actor): Promise<{ position: number; agent: AgentState }> {
    const streamId = streams.agent(command.agentId);
    return decideInTurn(
      this.cache,
      () =>
        this.cache.locks.serialise(
          [streamId],
          () => [streamId],
          (handOver) => this.decideAgentCommand(command, actor, streamId, handOver),
        ),
      () => `${command.type} for agent '${command.agentId}'`,
      this.retry,
    );
  }

  private async decideAgentCommand(
    command: AgentCommand,
    actor: Actor,
    streamId: string,
    handOver: () => void,
  ): Promise<{ position: number; agent: AgentState }> {
    const loaded = await this.cache.load<AgentState, AgentEvent>(streamId, evolveAgent);
    const events = decideAgent(command, loaded.state, this.clock.now());
    // Through the cache: the next command on this agent decides on the state this append leaves, and one decided
    // on an older revision cannot foresee past it.
    const { position } = await this.cache.append(
      this.store,
      [
        {
          streamId,
          expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
          events: events.map((e) => toNewEvent(e, actor, {})),
        },
      ],
      [loaded],
      handOver,
    );
    return { position, agent: events.reduce(evolveAgent, loaded.state)! };
  }

  /** Configuration replaces the previous one whole: last writer wins, so no revision is expected. */
  private async write(event: DomainEvent, actor: Actor): Promise<number> {
    const streamId = streamOf(event);
    try {
      const { position } = await this.store.append([
        { streamId, expectedRevision: 'any', events: [toNewEvent(event, actor, {})] },
      ]);
      return position;
    } finally {
      // Past the cache: a cache that serves streams without reading their tail must read this one again.
      this.cache.forget(streamId);
    }
  }
}
