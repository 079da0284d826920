import { Command } from '@nestjs/cqrs';
import { AgentState, Presence, SupervisorAction, WorkstreamSettings } from '#domain';
import { Actor } from '#event-store';

/** Operator set-up commands travel on the CQRS command bus like every other change. */
export class ConfigureWorkstream extends Command<number> {
  constructor(
    readonly workstreamId: string,
    readonly settings: WorkstreamSettings,
    readonly actor: Actor,
  ) {
    super();
  }
}

export class ConfigureQueue extends Command<number> {
  constructor(
    readonly queueId: string,
    readonly name: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

export class ConfigureAgent extends Command<{ position: number; agent: AgentState }> {
  constructor(
    readonly agentId: string,
    readonly name: string,
    readonly capacityUnits: number,
    readonly queueIds: string[],
    readonly actor: Actor,
  ) {
    super();
  }
}

export class ChangePresence extends Command<{ position: number; agent: AgentState }> {
  constructor(
    readonly agentId: string,
    readonly status: Presence,
    readonly actor: Actor,
    /** Set when a supervisor changes another's presence (signing an agent out). */
    readonly supervisor?: SupervisorAction,
  ) {
    super();
  }
}
