import { Cause } from '#command-handling';
import { AgentEvent, Candidate, chooseAgent, evolveAgent, isWithinOperatingHours } from '#domain';
import { ReadModels } from '#read-models';
import { Clock } from '#clock';
import type { SendCommand } from '../timers/timer-firing';

const DISTRIBUTION: Cause = { actor: { kind: 'system', id: 'distribution' } };

/**
 * Push distribution as a process manager: it reads the read models, chooses with `chooseAgent`, and sends
 * `assign` on the common command path. The choice may be stale; the decision never is: `assign` is decided
 * against the agent's own stream, so an agent is never pushed above capacity, however passes and picks race.
 */
export class Distributor {
  private current?: Promise<number>;
  private queued?: Promise<number>;

  constructor(
    private readonly clock: Clock,
    private readonly readModels: ReadModels,
    private readonly send: SendCommand,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Runs a pass now, or once the pass under way has finished (callers arriving meanwhile share that one):
   * never two at once. Resolves with the store position of the last assignment made (0 for none).
   */
  distribute(): Promise<number> {
    if (!this.current) {
      this.current = this.pass().finally(() => (this.current = undefined));
      return this.current;
    }
    this.queued ??= this.current
      .catch(() => 0)
      .then(() => {
        this.queued = undefined;
        return this.distribute();
      });
    return this.queued;
  }

  private async pass(): Promise<number> {
    let position = 0;
    const open = this.readModels.openPushConversations();
    const candidates = new Map(this.readModels.signedInAgents().map((c) => [c.agent.id, c] as [string, Candidate]));
    const now = this.clock.now();
    for (const conversation of open) {
      if (!isWithinOperatingHours(this.readModels.workstream(conversation.workstreamId)?.operatingHours, now)) continue;
      const agentId = chooseAgent(conversation, [...candidates.values()]);
      if (!agentId) continue;
      try {
        const result = await this.send({ type: 'assign', conversationId: conversation.id, agentId }, DISTRIBUTION);
        position = Math.max(position, result.position);
        // Fold the decision's capacity events in, so the rest of this pass sees the agent's units as taken.
        const agent = result.events
          .filter((e): e is AgentEvent => e.type.startsWith('agent.'))
          .reduce(evolveAgent, candidates.get(agentId)!.agent);
        candidates.set(agentId, { agent, lastAssignedPosition: result.position });
      } catch (error) {
        // Lost a race (picked meanwhile, agent changed): the next pass sees the new state.
        this.onError(error);
      }
    }
    return position;
  }
}
