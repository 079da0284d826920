import { freeUnits } from '../agent/capacity';
import { AgentState } from '../agent/state';
import { ConversationState } from '../conversation/state';
import { Candidate } from './choose-agent';

/** What push distribution needs to know about an open conversation to choose its agent. */
export interface Routable {
  id: string;
  queueId: string;
  units: number;
  /** The agent keep-same-agent waits for (set only when the workstream keeps the same agent). */
  keepFor?: string;
  declinedBy: readonly string[];
}

export const routable = (c: ConversationState): Routable => ({
  id: c.id,
  queueId: c.queueId,
  units: c.settings.capacityUnits,
  ...(c.settings.keepSameAgent && c.lastPrimaryAgentId && { keepFor: c.lastPrimaryAgentId }),
  declinedBy: c.declinedBy ?? [],
});

interface Entry {
  agent: AgentState;
  free: number;
  lastAssignedPosition: number;
}

// The same order as chooseAgent's tie-break (localeCompare), without its per-call cost.
const collator = new Intl.Collator();

/** Round-robin order among equally free agents: least recently assigned first, then by id. */
const before = (a: Entry, b: Entry) =>
  a.lastAssignedPosition - b.lastAssignedPosition || collator.compare(a.agent.id, b.agent.id);

/** Agents of one free-units level in one queue, kept sorted in round-robin order. */
class Level {
  readonly entries: Entry[] = [];

  add(entry: Entry): void {
    this.entries.splice(this.search(entry), 0, entry);
  }

  delete(entry: Entry): void {
    const at = this.search(entry);
    if (this.entries[at] === entry) this.entries.splice(at, 1);
  }

  private search(entry: Entry): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(this.entries[middle], entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** One queue's assignable agents (available, with some room), grouped by free units. */
class QueueCandidates {
  private readonly levels = new Map<number, Level>();
  /** The free-units levels present, most free first. */
  private order: number[] = [];

  get empty(): boolean {
    return this.order.length === 0;
  }

  add(entry: Entry): void {
    let level = this.levels.get(entry.free);
    if (!level) {
      level = new Level();
      this.levels.set(entry.free, level);
      this.order.push(entry.free);
      this.order.sort((a, b) => b - a);
    }
    level.add(entry);
  }

  delete(entry: Entry): void {
    const level = this.levels.get(entry.free);
    if (!level) return;
    level.delete(entry);
    if (level.entries.length > 0) return;
    this.levels.delete(entry.free);
    this.order = this.order.filter((free) => free !== entry.free);
  }

  /** The freest agent with at least `units` free who has not declined; ties in round-robin order. */
  best(units: number, declined: readonly string[]): string | undefined {
    for (const free of this.order) {
      if (free < units) return undefined;
      for (const entry of this.levels.get(free)!.entries)
        if (declined.length === 0 || !declined.includes(entry.agent.id)) return entry.agent.id;
    }
    return undefined;
  }
}

/**
 * chooseAgent's rule served from per-queue indexes instead of a scan of every agent: each queue keeps its
 * available agents with room by free units (most first), each level in round-robin order. Signed-in agents
 * who are busy or away are known too (keep-same-agent waits for them) but are in no queue's index.
 * It makes exactly chooseAgent's choices (libs/scheduling's candidate-index.spec.ts checks that on random inputs).
 */
export class CandidateIndex {
  private readonly agents = new Map<string, Entry>();
  private readonly queues = new Map<string, QueueCandidates>();

  agent(id: string): Candidate | undefined {
    const entry = this.agents.get(id);
    return entry && { agent: entry.agent, lastAssignedPosition: entry.lastAssignedPosition };
  }

  /** Adds or replaces a signed-in agent; an offline one is removed (nobody routes to, or waits for, them). */
  put({ agent, lastAssignedPosition }: Candidate): void {
    this.remove(agent.id);
    if (agent.presence === 'offline') return;
    const entry: Entry = { agent, free: freeUnits(agent), lastAssignedPosition };
    this.agents.set(agent.id, entry);
    if (!assignable(entry)) return;
    for (const queueId of agent.queueIds) {
      let queue = this.queues.get(queueId);
      if (!queue) this.queues.set(queueId, (queue = new QueueCandidates()));
      queue.add(entry);
    }
  }

  remove(agentId: string): void {
    const entry = this.agents.get(agentId);
    if (!entry) return;
    this.agents.delete(agentId);
    if (!assignable(entry)) return;
    for (const queueId of entry.agent.queueIds) {
      const queue = this.queues.get(queueId);
      queue?.delete(entry);
      if (queue?.empty) this.queues.delete(queueId);
    }
  }

  /** Whether the agent is available with some room. */
  canTakeWork(agentId: string): boolean {
    const entry = this.agents.get(agentId);
    return !!entry && assignable(entry);
  }

  /** Whether anyone in the queue could take anything now. */
  hasCandidates(queueId: string): boolean {
    return this.queues.has(queueId);
  }

  /** chooseAgent's answer for the conversation, given the agents put here. */
  choose(c: Routable): string | undefined {
    const last = c.keepFor ? this.agents.get(c.keepFor) : undefined;
    // Wait for the last agent only while they could take it: signed in, in its queue, and they have not declined it.
    if (last && last.agent.queueIds.includes(c.queueId) && !c.declinedBy.includes(last.agent.id))
      return assignable(last) && last.free >= c.units ? last.agent.id : undefined;
    return this.queues.get(c.queueId)?.best(c.units, c.declinedBy);
  }
}

const assignable = (entry: Entry) => entry.agent.presence === 'available' && entry.free > 0;
