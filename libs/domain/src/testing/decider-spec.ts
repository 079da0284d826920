/**
 * One given/when/then for every decider, in the spirit of emmett's DeciderSpecification:
 *
 *   given(...activeOn('sms')).when(closeSession('a1')).then([parked('a1'), released('a1', 2, 'parked')])
 *   givenAgent(configured('a1')).when(changePresence).then([presence('a1', 'busy')])
 *
 * Given facts are folded with the decider's evolve; facts without `at` happen at T0, decided events are
 * expected at `now` (NOW by default). `specify` makes the helper for a decider; `given` (conversations, with the
 * agents whose capacity they hold, folded by the production fold `evolveFolded`) and `givenAgent` are the two the
 * domain has.
 */
import { freeUnits } from '../agent/capacity';
import { AgentCommand } from '../agent/commands';
import { decideAgent } from '../agent/decide';
import { AgentEvent } from '../agent/events';
import { AgentState, evolveAgent } from '../agent/state';
import { ConversationCommand } from '../conversation/commands';
import { ConversationContext, decideConversation } from '../conversation/decide';
import { Decided } from '../conversation/decided';
import { Folded, evolveFolded, fold } from '../conversation/fold';
import { ConversationState, StatusReason } from '../conversation/state';
import { DomainError, DomainErrorKind } from '../shared/errors';
import { Workstream } from '../workstream/settings';
import { Fact, NOW, T0, Unstamped, workstreamFor } from './builders';

const stampAll = <E>(facts: Unstamped<E>[], at: string): E[] => facts.map((f) => ({ ...f, at: f.at ?? at }) as E);

/** A decider as its specs see it. */
export interface DeciderUnderSpec<State, Command, Event, Options> {
  initialState: () => State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State, now: string): Event[];
  /** What a test arranges beyond the given facts before the command is decided (other state, configuration). */
  arrange?(state: State, command: Command, options: Options): State;
  /** The status reason a `not_allowed` refusal must name, when the decider has one. */
  statusOf?(state: State): string | undefined;
  /** What must hold after every decision. */
  invariant?(state: State): void;
}

export type WhenOptions<Options> = Options & { now?: string };

export const specify =
  <State, Command extends { type: string }, Event, Options = object>(
    decider: DeciderUnderSpec<State, Command, Event, Options>,
  ) =>
  (...facts: Unstamped<Event>[]) => ({
    when(command: Command, options = {} as WhenOptions<Options>) {
      const now = options.now ?? NOW;
      const folded = stampAll(facts, T0).reduce(decider.evolve, decider.initialState());
      const before = decider.arrange ? decider.arrange(folded, command, options) : folded;
      const decide = () => decider.decide(command, before, now);
      const refusal = (): DomainError => {
        let decided: Event[];
        try {
          decided = decide();
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          return error as DomainError;
        }
        throw new Error(`expected ${command.type} to be refused, but it decided ${JSON.stringify(decided)}`);
      };
      return {
        /** The decided events, in order; returns the state after them. */
        then(expected: Unstamped<Event>[]): State {
          const decided = decide();
          expect(decided).toEqual(stampAll(expected, now));
          const after = decided.reduce(decider.evolve, before);
          decider.invariant?.(after);
          return after;
        },
        thenNothing(): void {
          expect(decide()).toEqual([]);
        },
        /** For `not_allowed` the status reason defaults to the current one: the 409 must name it. */
        thenThrows(kind: DomainErrorKind, statusReason?: string): DomainError {
          const error = refusal();
          expect(error.kind).toBe(kind);
          const status = kind === 'not_allowed' ? (statusReason ?? decider.statusOf?.(before)) : undefined;
          expect(error.statusReason).toBe(status);
          if (status) expect(error.message).toContain(`'${status}'`);
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
  });

// ---- agents -----------------------------------------------------------------------------------

export const givenAgent = specify<AgentState | undefined, AgentCommand, AgentEvent>({
  initialState: () => undefined,
  evolve: evolveAgent,
  decide: decideAgent,
});

// ---- conversations, with the agents whose capacity they hold ------------------------------------

/** The specs fold their facts with the production fold. */
export { type Folded, fold };

/** The conversation the facts describe. */
export const stateAfter = (...facts: Fact[]): ConversationState => {
  const { conversation } = fold(stampAll(facts, T0));
  if (!conversation) throw new Error('no conversation.requested among the facts');
  return conversation;
};

export interface ConversationOptions {
  /** Agents added to (or replacing) those folded from the given facts. */
  agents?: AgentState[];
  /** Defaults to the request's channel's workstream for a `request`; `null` for none. */
  workstream?: Workstream | null;
  /** The queues that exist; q1 and q2 by default. */
  queueIds?: string[];
}

type World = Folded & Pick<ConversationContext, 'workstream' | 'queueIds'>;

const conversationSpec = specify<World, ConversationCommand, Decided, ConversationOptions>({
  initialState: () => ({ agents: new Map(), queueIds: new Set() }),
  evolve: (world, event) => ({ ...world, ...evolveFolded(world, event) }),
  decide: decideConversation,
  arrange(world, command, options) {
    const agents = new Map(world.agents);
    for (const agent of options.agents ?? []) agents.set(agent.id, agent);
    const workstream =
      options.workstream === null
        ? undefined
        : (options.workstream ?? (command.type === 'request' ? workstreamFor(command.channel) : undefined));
    return { ...world, agents, workstream, queueIds: new Set(options.queueIds ?? ['q1', 'q2']) };
  },
  statusOf: (world) => world.conversation?.status,
  invariant: expectOneHolder,
});

/** The conversation decider's given/when/then; `then` answers an Outcome to check the state after. */
export const given = (...facts: Fact[]) => ({
  when(command: ConversationCommand, options: WhenOptions<ConversationOptions> = {}) {
    const when = conversationSpec(...facts).when(command, options);
    return { ...when, then: (expected: Fact[]) => new Outcome(when.then(expected)) };
  },
});

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

/** The agents' holds and the conversation agree: at most one agent holds it, and that is its capacity holder. */
function expectOneHolder({ conversation, agents }: Folded) {
  if (!conversation) return;
  const holders = [...agents.values()].filter((a) => a.holds[conversation.id]).map((a) => a.id);
  const holder = conversation.capacityHolder;
  expect(holders).toEqual(holder && agents.has(holder) ? [holder] : []);
}
