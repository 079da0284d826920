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
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './conflicts';
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

  /** Agent commands are decided against the agent's stream, guarded by its revision like any other. */
  agent(command: AgentCommand, actor: Actor): Promise<{ position: number; agent: AgentState }> {
    const streamId = streams.agent(command.agentId);
    return this.cache.locks.serialise(
      [streamId],
      () => [streamId],
      () => this.decideAgentCommand(command, actor, streamId),
    );
  }

  private decideAgentCommand(
    command: AgentCommand,
    actor: Actor,
    streamId: string,
  ): Promise<{ position: number; agent: AgentState }> {
    return withRetries(
      async () => {
        const loaded = await this.cache.load<AgentState, AgentEvent>(streamId, evolveAgent);
        const events = decideAgent(command, loaded.state, this.clock.now());
        // Through the cache, so a command that decided on an older revision of the agent cannot foresee past it.
        const { position } = await this.cache.append(
          this.store,
          [
            {
              streamId,
              expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
              events: events.map((e) => toNewEvent(e, actor, {})),
            },
          ],
          () => undefined,
        );
        return { position, agent: events.reduce(evolveAgent, loaded.state)! };
      },
      () => `${command.type} for agent '${command.agentId}'`,
      this.retry,
    );
  }

  /** Configuration replaces the previous one whole: last writer wins, so no revision is expected. */
  private async write(event: DomainEvent, actor: Actor): Promise<number> {
    const { position } = await this.store.append([
      { streamId: streamOf(event), expectedRevision: 'any', events: [toNewEvent(event, actor, {})] },
    ]);
    return position;
  }
}
