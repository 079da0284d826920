import { Command } from '@nestjs/cqrs';
import { AgentCommand, AgentState, WorkstreamSettings } from '#domain';
import { Actor } from '#event-store';

/**
 * Operator set-up commands travel on the CQRS command bus like every other change. A workstream's and a queue's
 * configuration are plain writes (nothing is decided: the new version replaces the old), one class each.
 */
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

/**
 * An agent's configuration and presence: the domain's `AgentCommand` union in one bus command, decided by
 * `decideAgent` on one path, as conversations' are.
 */
export class RunAgentCommand extends Command<{ position: number; agent: AgentState }> {
  constructor(
    readonly command: AgentCommand,
    readonly actor: Actor,
  ) {
    super();
  }
}
