import {
  AgentEvent,
  AgentState,
  Candidate,
  Channel,
  ConversationEvent,
  ConversationState,
  StatusReason,
  chooseAgent,
  deadlines,
  evolveAgent,
  evolveConversation,
  usedUnits,
} from '#domain';
import { disagreements } from '#command-handling/testing';
import { StoredEvent } from '#event-store';
import { toDomainEvent } from '#event-envelope';

const CHAT: Channel[] = ['live_chat', 'persistent_chat'];
const ASYNC: Channel[] = ['persistent_chat', 'sms', 'social', 'teams'];
const EVERY = undefined;

/**
 * The status changes the spec's transition table (T1–T17, X1–X3) allows, and on which channels; a transfer to
 * an agent or an external number, or an acceptance, stays `active`.
 */
const TRANSITIONS: Record<string, Channel[] | undefined> = {
  'open>active': EVERY, // T1, T2
  'open>closed': CHAT, // T3
  'active>wrap_up': EVERY, // T4 (T5, T6 live chat)
  'active>open': EVERY, // T7, T8, T9 (T10 live chat)
  'active>waiting': ASYNC, // T11
  'active>closed': ['record', ...CHAT], // T12, T13
  'wrap_up>closed': EVERY, // T14
  'waiting>closed': ASYNC, // T15
  'waiting>active': ASYNC, // T16
  'waiting>open': ASYNC, // T17
};

export const transitionAllowed = (from: StatusReason, to: StatusReason, channel: Channel): boolean => {
  const key = `${from}>${to}`;
  if (!(key in TRANSITIONS)) return false;
  const channels = TRANSITIONS[key];
  return channels === EVERY || channels.includes(channel);
};

/** Which timer kind decides which event (so a timer's event can be matched to the deadline it decided). */
/**
 * Whether push distribution may offer `c` to `agent` by chooseAgent's rules: a keep-same-agent conversation
 * waits for its last agent while they are signed in, in its queue and have not declined it; else room decides.
 */
const couldTake = (c: ConversationState, agent: AgentState, agents: ReadonlyMap<string, AgentState>): boolean => {
  const last = c.settings.keepSameAgent && c.lastPrimaryAgentId ? agents.get(c.lastPrimaryAgentId) : undefined;
  const waitsForLast =
    last &&
    last.id !== agent.id &&
    last.presence !== 'offline' &&
    last.queueIds.includes(c.queueId) &&
    !(c.declinedBy ?? []).includes(last.id);
  return !waitsForLast && chooseAgent(c, [{ agent, lastAssignedPosition: 0 }]) === agent.id;
};

const TIMER_EVENTS: Record<string, string[]> = {
  expireAgentDisconnect: ['conversation.returned_to_queue'],
  expireOffer: ['conversation.assignment_rejected'],
  expireWaiting: ['conversation.closed'],
  expireWrapUpBlock: ['conversation.wrap_up_block_expired'],
  autoClose: ['conversation.closed', 'conversation.ended'],
};

export interface Violation {
  invariant: string;
  detail: string;
}

/**
 * Follows the store event by event (from the sim's direct view of it) and checks, for each event, the rules
 * that hold at every moment, and on demand (`atRest`) those that hold once the engine is quiet.
 */
export class InvariantChecker {
  readonly conversations = new Map<string, ConversationState>();
  readonly agents = new Map<string, AgentState>();
  /** Agents an operator set below what they use: above capacity by that recorded override, until it frees. */
  private readonly overridden = new Set<string>();
  /** Channel event id -> the conversation stream and revision of the last event it caused. */
  private readonly applied = new Map<string, { streamId: string; revision: number }>();
  /** When each conversation last became open (its place in its queue). */
  readonly queuedAt = new Map<string, number>();
  /**
   * Offers made while an older conversation of the same queue that the agent could have taken waited: a breach
   * of oldest-first unless that older one is itself assigned before the engine comes to rest (the same pass
   * may offer both, and the younger one's append may land first).
   */
  private readonly overtaken = new Map<string, { older: string; younger: string; agentId: string; at: number }>();
  /** The agents as they were when the engine last came to rest. */
  private agentsAtRest = new Map<string, AgentState>();
  /** Set by the simulation: whether two conversations are routed by the same instance. */
  sameOwner: (a: string, b: string) => boolean = () => true;
  isPush: (workstreamId: string) => boolean = () => true;
  position = 0;

  /** Applies events in order and returns the violations they show. */
  follow(events: StoredEvent[]): Violation[] {
    const found: Violation[] = [];
    for (const stored of events) {
      this.position = stored.position;
      if (stored.type.startsWith('conversation.')) found.push(...this.conversationEvent(stored));
      else if (stored.type.startsWith('agent.')) found.push(...this.agentEvent(stored));
    }
    return found;
  }

  private conversationEvent(stored: StoredEvent): Violation[] {
    const found: Violation[] = [];
    const event = toDomainEvent(stored) as ConversationEvent;
    const id = event.data.conversationId;
    const before = this.conversations.get(id);
    const at = `${stored.type} at position ${stored.position} on ${id}`;
    if (before?.status === 'closed') found.push({ invariant: 'closed is final', detail: `${at} after it closed` });
    const after = evolveConversation(before, event);
    this.conversations.set(id, after);
    // Auto-close (docs/timers.md) is the engine's addition to the table: any open status to closed, by its timer.
    const autoClosed = event.type === 'conversation.closed' && event.data.reason === 'auto_closed';
    if (
      before &&
      before.status !== after.status &&
      !autoClosed &&
      !transitionAllowed(before.status, after.status, after.channel)
    ) {
      found.push({
        invariant: 'only allowed transitions',
        detail: `${at}: ${before.status} -> ${after.status} on ${after.channel}`,
      });
    }
    if (after.status === 'open' && before?.status !== 'open') this.queuedAt.set(id, stored.position);
    if (event.type === 'conversation.assigned' || event.type === 'conversation.picked') {
      for (const [key, suspicion] of this.overtaken) if (suspicion.older === id) this.overtaken.delete(key);
    }
    if (event.type === 'conversation.assigned') this.suspectOvertaking(after, event.data.agentId, stored.position);
    const actor = stored.metadata.actor;
    if (before && actor.kind === 'system' && actor.id === 'timer') {
      const due = deadlines(before).filter(
        (d) => TIMER_EVENTS[d.kind].includes(stored.type) && Date.parse(d.dueAt) <= Date.parse(event.at),
      );
      if (due.length === 0)
        found.push({ invariant: 'deadline decided once', detail: `${at}: a timer decided with no deadline due` });
    }
    const causation = stored.metadata.causationId;
    if (causation?.startsWith('ev-')) {
      const seen = this.applied.get(causation);
      if (seen && (seen.streamId !== stored.streamId || seen.revision !== stored.revision - 1)) {
        found.push({
          invariant: 'channel event applied once',
          detail: `${at}: channel event ${causation} was applied before (${seen.streamId} @${seen.revision})`,
        });
      }
      this.applied.set(causation, { streamId: stored.streamId, revision: stored.revision });
    }
    return found;
  }

  private agentEvent(stored: StoredEvent): Violation[] {
    const found: Violation[] = [];
    const event = toDomainEvent(stored) as AgentEvent;
    const id = event.data.agentId;
    const before = this.agents.get(id);
    const after = evolveAgent(before, event);
    this.agents.set(id, after);
    if (event.type === 'agent.configured' && usedUnits(after) > after.capacityUnits) this.overridden.add(id);
    if (usedUnits(after) <= after.capacityUnits) this.overridden.delete(id);
    if (event.type !== 'agent.capacity_held') return found;
    const { conversationId, units } = event.data;
    const at = `position ${stored.position} (${id} holds ${conversationId} for ${units})`;
    const replaced = before?.holds[conversationId];
    const addsNothing = replaced !== undefined && replaced.units === units;
    if (usedUnits(after) > after.capacityUnits && !addsNothing)
      found.push({
        invariant: 'capacity',
        detail: `${at}: ${id} uses ${usedUnits(after)} of ${after.capacityUnits} units`,
      });
    const others = [...this.agents.values()].filter((a) => a.id !== id && a.holds[conversationId]).map((a) => a.id);
    if (others.length)
      found.push({ invariant: 'one primary agent', detail: `${at}: also held by ${others.join(', ')}` });
    return found;
  }

  /** What must hold between steps, whatever the faults. */
  always(): Violation[] {
    const found: Violation[] = disagreements(this.conversations, this.agents).map((detail) => ({
      invariant: 'units equal holds',
      detail,
    }));
    for (const agent of this.agents.values()) {
      if (usedUnits(agent) > agent.capacityUnits && !this.overridden.has(agent.id))
        found.push({
          invariant: 'capacity',
          detail: `${agent.id} uses ${usedUnits(agent)} of ${agent.capacityUnits} units with no override recorded`,
        });
    }
    return found;
  }

  /** The offers that overtook an older conversation which is still waiting now that the engine is at rest. */
  overtakings(): Violation[] {
    const found = [...this.overtaken.values()]
      .filter(({ older }) => this.conversations.get(older)?.status === 'open')
      .map(({ older, younger, agentId, at }) => ({
        invariant: 'oldest first within a queue',
        detail: `${agentId} was offered ${younger} at position ${at} while the older ${older} waited in the same queue`,
      }));
    this.overtaken.clear();
    this.agentsAtRest = new Map(this.agents);
    return found;
  }

  /** Forgets the suspicions of a step in which a fault struck (a failed offer is retried after the next batch). */
  forgetOvertakings(): void {
    this.overtaken.clear();
    this.agentsAtRest = new Map(this.agents);
  }

  private suspectOvertaking(younger: ConversationState, agentId: string, position: number): void {
    const agent = this.agents.get(agentId);
    if (!agent || !this.isPush(younger.workstreamId)) return;
    for (const older of this.conversations.values()) {
      if (older.status !== 'open' || older.queueId !== younger.queueId || !this.isPush(older.workstreamId)) continue;
      if (this.queuedAt.get(older.id)! >= this.queuedAt.get(younger.id)! || !this.sameOwner(older.id, younger.id))
        continue;
      // The offer was planned on some view between the last rest and now: only an agent that had room for the
      // older one in both is sure to have been passed over.
      const atRest = this.agentsAtRest.get(agentId);
      if (!couldTake(older, agent, this.agents) || !atRest || !couldTake(older, atRest, this.agentsAtRest)) continue;
      this.overtaken.set(`${older.id}|${younger.id}`, { older: older.id, younger: younger.id, agentId, at: position });
    }
  }

  /** Deadlines still undecided at `now` that passed at least `boundSeconds` ago. */
  overdue(now: string, boundSeconds: number): Violation[] {
    const found: Violation[] = [];
    for (const c of this.conversations.values())
      for (const d of deadlines(c))
        if (Date.parse(d.dueAt) + boundSeconds * 1000 < Date.parse(now))
          found.push({
            invariant: 'deadline decided within its bound',
            detail: `${c.id} ${d.kind} due ${d.dueAt} is still undecided at ${now}`,
          });
    return found;
  }

  /**
   * Once quiet: no open push conversation waits while an eligible agent has room; within a queue, what waits
   * longest goes first (no agent with room for an older one that it could take holds a younger one's offer).
   */
  starvation(): Violation[] {
    const candidates: Candidate[] = [...this.agents.values()].map((agent) => ({ agent, lastAssignedPosition: 0 }));
    const found: Violation[] = [];
    for (const c of this.conversations.values()) {
      if (c.status !== 'open' || !this.isPush(c.workstreamId)) continue;
      const agentId = chooseAgent(c, candidates);
      if (agentId)
        found.push({
          invariant: 'no wait while an agent has room',
          detail: `${c.id} is open in ${c.queueId} while ${agentId} could take it`,
        });
    }
    return found;
  }
}
