/**
 * A tiny given/when/then for the conversation decider, in the spirit of emmett's DeciderSpecification:
 *
 *   given(...activeOn('sms')).when(closeSession('a1')).then([parked('a1'), released('a1', 2, 'parked')])
 *
 * Given facts (conversation and agent events) are folded with evolveConversation / evolveAgent into the
 * ConversationContext; facts without `at` happen at T0, decided events are expected at `now` (NOW by default).
 */
import { freeUnits } from '../agent/capacity';
import { AgentEvent } from '../agent/events';
import { AgentState, evolveAgent } from '../agent/state';
import { ConversationCommand } from '../conversation/commands';
import { decideConversation } from '../conversation/decide';
import { Decided } from '../conversation/decided';
import { evolveConversation } from '../conversation/evolve';
import { ConversationState, StatusReason } from '../conversation/state';
import { DomainError, DomainErrorKind } from '../shared/errors';
import { Workstream } from '../workstream/settings';
import { Fact, NOW, T0, stamp, workstreamFor } from './builders';

export interface WhenOptions {
  /** Agents added to (or replacing) those folded from the given facts. */
  agents?: AgentState[];
  /** Defaults to the request's channel's workstream for a `request`; `null` for none. */
  workstream?: Workstream | null;
  /** The queues that exist; q1 and q2 by default. */
  queueIds?: string[];
  now?: string;
}

export interface Folded {
  conversation?: ConversationState;
  agents: Map<string, AgentState>;
}

const isAgentEvent = (event: Decided): event is AgentEvent => event.type.startsWith('agent.');

export const fold = (events: Decided[], from: Folded = { agents: new Map() }): Folded => {
  let conversation = from.conversation;
  const agents = new Map(from.agents);
  for (const event of events) {
    if (isAgentEvent(event)) agents.set(event.data.agentId, evolveAgent(agents.get(event.data.agentId), event));
    else conversation = evolveConversation(conversation, event);
  }
  return { conversation, agents };
};

/** The conversation the facts describe. */
export const stateAfter = (...facts: Fact[]): ConversationState => {
  const { conversation } = fold(facts.map((f) => stamp(f, T0)));
  if (!conversation) throw new Error('no conversation.requested among the facts');
  return conversation;
};

export class Outcome {
  constructor(readonly folded: Folded) {}

  get state(): ConversationState {
    return this.folded.conversation!;
  }

  andStatus(status: StatusReason): this {
    expect(this.folded.conversation?.status).toBe(status);
    return this;
  }

  andState(expected: Partial<ConversationState>): this {
    expect(this.folded.conversation).toMatchObject(expected);
    return this;
  }

  /** The fields are absent (or undefined). */
  andNo(...fields: (keyof ConversationState)[]): this {
    for (const field of fields) expect(this.folded.conversation?.[field]).toBeUndefined();
    return this;
  }

  andFree(agentId: string, units: number): this {
    expect(freeUnits(this.agent(agentId))).toBe(units);
    return this;
  }

  agent(agentId: string): AgentState {
    const agent = this.folded.agents.get(agentId);
    if (!agent) throw new Error(`agent ${agentId} is not among the facts`);
    return agent;
  }
}

export const given = (...facts: Fact[]) => {
  const history = facts.map((f) => stamp(f, T0));
  const before = fold(history);
  return {
    when(command: ConversationCommand, options: WhenOptions = {}) {
      const now = options.now ?? NOW;
      const agents = new Map(before.agents);
      for (const agent of options.agents ?? []) agents.set(agent.id, agent);
      const workstream =
        options.workstream === null
          ? undefined
          : (options.workstream ?? (command.type === 'request' ? workstreamFor(command.channel) : undefined));
      const context = {
        conversation: before.conversation,
        agents,
        workstream,
        queueIds: new Set(options.queueIds ?? ['q1', 'q2']),
      };
      const decide = () => decideConversation(command, context, now);
      const refusal = (): DomainError => {
        let decided: Decided[];
        try {
          decided = decide();
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          return error as DomainError;
        }
        throw new Error(`expected ${command.type} to be refused, but it decided ${JSON.stringify(decided)}`);
      };
      return {
        then(expected: Fact[]): Outcome {
          const decided = decide();
          expect(decided).toEqual(expected.map((f) => stamp(f, now)));
          const after = fold(decided, { conversation: before.conversation, agents });
          expectOneHolder(after);
          return new Outcome(after);
        },
        thenNothing(): void {
          expect(decide()).toEqual([]);
        },
        /** For `not_allowed` the status reason defaults to the conversation's current one: the 409 must name it. */
        thenThrows(kind: DomainErrorKind, statusReason?: StatusReason): DomainError {
          const error = refusal();
          expect(error.kind).toBe(kind);
          if (kind === 'not_allowed') {
            const status = statusReason ?? before.conversation?.status;
            expect(error.statusReason).toBe(status);
            expect(error.message).toContain(`'${status}'`);
          } else {
            expect(error.statusReason).toBeUndefined();
          }
          return error;
        },
        thenInvalid(field: string): DomainError {
          const error = refusal();
          expect(error.kind).toBe('invalid');
          expect(error.field).toBe(field);
          return error;
        },
      };
    },
  };
};

/** The agents' holds and the conversation agree: at most one agent holds it, and that is its capacity holder. */
const expectOneHolder = ({ conversation, agents }: Folded) => {
  if (!conversation) return;
  const holders = [...agents.values()].filter((a) => a.holds[conversation.id]).map((a) => a.id);
  const holder = conversation.capacityHolder;
  expect(holders).toEqual(holder && agents.has(holder) ? [holder] : []);
};
