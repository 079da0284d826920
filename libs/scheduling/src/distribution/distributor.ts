import { Cause } from '#command-handling';
import { AgentState, CandidateIndex, Routable, Workstream, isWithinOperatingHours, routable } from '#domain';
import { StoredEvent } from '#event-store';
import { DistributionReads, Queued } from '#read-models';
import { Clock } from '#clock';
import { OWN_ALL, Ownership } from '../partitions/partitions';
import type { SendCommand } from '../timers/timer-firing';

const DISTRIBUTION: Cause = { actor: { kind: 'system', id: 'distribution' } };

/** An open push conversation waiting for an agent. */
interface Waiting extends Routable {
  workstreamId: string;
  queuedPosition: number;
}

interface Assignment {
  conversation: Waiting;
  agentId: string;
  /** The agent's round-robin order before this pass chose them (restored when the assignment fails). */
  lastAssignedBefore: number;
}

/** A hold this process has decided but the read models may not show yet: undefined position while it is sent. */
interface PendingHold {
  units: number;
  position?: number;
}

/** Above every store position: an agent chosen in this pass goes behind everyone in round-robin order. */
const CHOSEN_IN_PASS = 2 ** 52;
/** A store position, or 0 for the placeholder of an assignment not made yet. */
const real = (position: number) => (position < CHOSEN_IN_PASS ? position : 0);

/**
 * Push distribution as a process manager. It keeps, in memory and derived from the read models, the open push
 * conversations of the partitions it owns (per queue, in arrival order) and the signed-in agents (a
 * CandidateIndex per queue). Each projected batch updates only what it touched (`observe`): the conversations
 * and agents in it, re-read by id. A pass then looks only where something changed: the conversations that
 * opened, and the whole queue of an agent who has room or when configuration or time changed. It decides many
 * assignments in memory, holding the units it assigns so the rest of the pass sees them taken, and sends them
 * all at once (one agent's in order), so the store's group commit appends them together.
 *
 * The choice may be stale; the decision never is: `assign` is decided against the agent's own stream, so an
 * agent is never pushed above capacity, however passes, picks and other instances race.
 */
export class Distributor {
  private readonly candidates = new CandidateIndex();
  /** Open push conversations per queue, in arrival order (queued position). */
  private readonly queues = new Map<string, Line>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly workstreams = new Map<string, Workstream | undefined>();
  /** Conversations this process assigned that the read models do not show assigned yet. */
  private readonly assigning = new Map<string, number | undefined>();
  private readonly pendingHolds = new Map<string, Map<string, PendingHold>>();
  private readonly dirtyQueues = new Set<string>();
  private readonly dirtyConversations = new Set<string>();
  /** Assignments that failed: tried again after the next projected batch, not at once (no busy loop). */
  private readonly retry = new Set<string>();
  private chosenInPass = 0;
  /** The last position observed: an assignment at or before it is already in the read models. */
  private observed = 0;
  private current?: Promise<number>;
  private queued?: Promise<number>;

  constructor(
    private readonly clock: Clock,
    private readonly readModels: DistributionReads,
    private readonly send: SendCommand,
    private readonly onError: (error: unknown) => void,
    private readonly ownership: Ownership = OWN_ALL,
  ) {}

  /**
   * Loads what the read models show now; `observe` every batch projected after this call. The queues of partitions
   * gained later are loaded when they are gained; those of partitions lost are forgotten (another instance has them).
   */
  start(): void {
    for (const queued of this.readModels.openPushConversations()) this.putWaiting(queued);
    for (const candidate of this.readModels.signedInAgents()) this.candidates.put(candidate);
    this.markAll();
    this.ownership.onChange(({ gained }) => this.ownershipChanged(gained.length > 0));
  }

  private ownershipChanged(gained: boolean): void {
    for (const waiting of [...this.waiting.values()])
      if (!this.ownership.owns(waiting.queueId)) this.removeWaiting(waiting.id);
    // putWaiting keeps only the owned queues' (and replaces what it holds already).
    if (gained) for (const queued of this.readModels.openPushConversations()) this.putWaiting(queued);
    this.markAll();
  }

  /** Brings the in-memory view up to date with a projected batch: only the conversations and agents it names. */
  observe(events: StoredEvent[]): void {
    if (events.length === 0) return;
    const upTo = events[events.length - 1].position;
    this.observed = upTo;
    const conversations = new Set<string>();
    const agents = new Set<string>();
    for (const event of events) {
      const id = event.data.conversationId as string;
      if (event.type.startsWith('conversation.')) {
        const status = event.metadata.statusReason;
        if (status === undefined || status === 'open' || this.waiting.has(id) || this.assigning.has(id))
          conversations.add(id);
      } else if (event.type.startsWith('agent.')) agents.add(event.data.agentId as string);
      else if (event.type === 'workstream.configured') {
        this.workstreams.delete(event.data.workstreamId as string);
        this.markAll();
      }
    }
    for (const id of this.retry) conversations.add(id);
    this.retry.clear();
    for (const id of agents) this.refreshAgent(id, upTo);
    const reopened = [...conversations].flatMap((id) => this.refreshConversation(id, upTo));
    // Batches carry events in store order, but one conversation may appear twice: insert by arrival.
    for (const queued of reopened.sort((a, b) => a.queuedPosition - b.queuedPosition)) this.putWaiting(queued);
  }

  /**
   * A pass over everything (time moved: operating hours may have begun; or a caller wants the whole picture).
   * Runs now, or once the pass under way has finished (callers arriving meanwhile share that one): never two at
   * once. Resolves with the store position of the last assignment made (0 for none).
   */
  distribute(): Promise<number> {
    this.markAll();
    return this.run();
  }

  /** A pass over what changed since the last one. */
  distributeChanged(): Promise<number> {
    const changed = this.dirtyQueues.size > 0 || this.dirtyConversations.size > 0;
    return changed ? this.run() : Promise.resolve(0);
  }

  private run(): Promise<number> {
    if (!this.current) {
      this.current = this.pass().finally(() => (this.current = undefined));
      return this.current;
    }
    this.queued ??= this.current
      .catch(() => 0)
      .then(() => {
        this.queued = undefined;
        return this.run();
      });
    return this.queued;
  }

  private markAll(): void {
    for (const queueId of this.queues.keys()) this.dirtyQueues.add(queueId);
  }

  private async pass(): Promise<number> {
    const plan = this.plan();
    const byAgent = new Map<string, Assignment[]>();
    for (const assignment of plan) {
      const list = byAgent.get(assignment.agentId);
      if (list) list.push(assignment);
      else byAgent.set(assignment.agentId, [assignment]);
    }
    // Every agent at once, each agent's assignments in order: they never race each other for the agent's stream.
    const positions = await Promise.all(
      [...byAgent.values()].map(async (assignments) => {
        let position = 0;
        for (const assignment of assignments) position = Math.max(position, await this.assign(assignment));
        return position;
      }),
    );
    return positions.reduce((max, p) => Math.max(max, p), 0);
  }

  /** Decides this pass's assignments, oldest conversation first across the queues it looks at. */
  private plan(): Assignment[] {
    const now = this.clock.now();
    const open = new Map<string, boolean>();
    const withinHours = (workstreamId: string) => {
      let answer = open.get(workstreamId);
      if (answer === undefined) {
        answer = isWithinOperatingHours(this.workstream(workstreamId)?.operatingHours, now);
        open.set(workstreamId, answer);
      }
      return answer;
    };
    const sources = new Sources();
    for (const queueId of this.dirtyQueues) {
      const queue = this.queues.get(queueId);
      if (queue && this.candidates.hasCandidates(queueId)) sources.add(queue.items.values(), queueId);
    }
    const single = [...this.dirtyConversations]
      .map((id) => this.waiting.get(id))
      .filter((w): w is Waiting => !!w && !this.dirtyQueues.has(w.queueId) && this.candidates.hasCandidates(w.queueId))
      .sort((a, b) => a.queuedPosition - b.queuedPosition);
    sources.add(single.values());
    this.dirtyQueues.clear();
    this.dirtyConversations.clear();

    const plan: Assignment[] = [];
    for (let next = sources.next(); next; next = sources.next()) {
      const [conversation, queueId] = next;
      if (!this.candidates.hasCandidates(conversation.queueId)) {
        // Nobody in this queue has room left: nothing further in it can be assigned in this pass.
        if (queueId) sources.drop(queueId);
        continue;
      }
      if (this.waiting.get(conversation.id) !== conversation || !withinHours(conversation.workstreamId)) continue;
      const agentId = this.candidates.choose(conversation);
      if (!agentId) continue;
      const { agent, lastAssignedPosition } = this.candidates.agent(agentId)!;
      this.removeWaiting(conversation.id);
      this.assigning.set(conversation.id, undefined);
      this.pending(agentId).set(conversation.id, { units: conversation.units });
      this.candidates.put({
        agent: withHold(agent, conversation.id, conversation.units),
        lastAssignedPosition: CHOSEN_IN_PASS + ++this.chosenInPass,
      });
      plan.push({ conversation, agentId, lastAssignedBefore: lastAssignedPosition });
    }
    return plan;
  }

  private async assign({ conversation, agentId, lastAssignedBefore }: Assignment): Promise<number> {
    const conversationId = conversation.id;
    try {
      const { position } = await this.send({ type: 'assign', conversationId, agentId }, DISTRIBUTION);
      // Projected already (the batch came before this answer): the read models show it, nothing is pending.
      const holds = this.pendingHolds.get(agentId);
      if (position <= this.observed) {
        this.assigning.delete(conversationId);
        holds?.delete(conversationId);
      } else {
        this.assigning.set(conversationId, position);
        const hold = holds?.get(conversationId);
        if (hold) hold.position = position;
      }
      const candidate = this.candidates.agent(agentId);
      if (candidate) this.candidates.put({ agent: candidate.agent, lastAssignedPosition: position });
      return position;
    } catch (error) {
      // Lost a race (picked meanwhile, the agent changed): undo what the plan assumed and look again later.
      this.onError(error);
      this.assigning.delete(conversationId);
      this.pendingHolds.get(agentId)?.delete(conversationId);
      const candidate = this.candidates.agent(agentId);
      if (candidate) {
        const { [conversationId]: _undone, ...holds } = candidate.agent.holds;
        // Back to the last real assignment: an earlier one of this pass that succeeded, or the one before the pass.
        const lastAssignedPosition = Math.max(real(candidate.lastAssignedPosition), real(lastAssignedBefore));
        this.candidates.put({ agent: { ...candidate.agent, holds }, lastAssignedPosition });
        // The agent has room again: the next pass looks at their whole queues, oldest first, not only at what changed.
        for (const queueId of candidate.agent.queueIds) if (this.queues.has(queueId)) this.dirtyQueues.add(queueId);
      }
      const queued = this.readModels.openPushConversation(conversationId);
      if (queued) this.putWaiting(queued, false);
      this.retry.add(conversationId);
      return 0;
    }
  }

  /** The agent as the read models show them at `upTo`, plus the holds this process decided that they do not show yet. */
  private refreshAgent(agentId: string, upTo: number): void {
    const pending = this.pendingHolds.get(agentId);
    for (const [conversationId, hold] of pending ?? [])
      if (hold.position !== undefined && hold.position <= upTo) pending!.delete(conversationId);
    if (pending?.size === 0) this.pendingHolds.delete(agentId);
    const candidate = this.readModels.signedInAgent(agentId);
    if (!candidate) return this.candidates.remove(agentId);
    let agent = candidate.agent;
    for (const [conversationId, hold] of this.pendingHolds.get(agentId) ?? [])
      if (!agent.holds[conversationId]) agent = withHold(agent, conversationId, hold.units);
    const known = real(this.candidates.agent(agentId)?.lastAssignedPosition ?? 0);
    this.candidates.put({ agent, lastAssignedPosition: Math.max(candidate.lastAssignedPosition, known) });
    // An agent with room may take any conversation waiting in their queues.
    if (this.candidates.canTakeWork(agentId))
      for (const queueId of agent.queueIds) if (this.queues.has(queueId)) this.dirtyQueues.add(queueId);
  }

  /** Re-reads a conversation the batch touched; returns it when it is (again) waiting for an agent. */
  private refreshConversation(conversationId: string, upTo: number): Queued[] {
    if (this.assigning.has(conversationId)) {
      const position = this.assigning.get(conversationId);
      // Still being assigned, or assigned after this batch: the read models do not show it yet.
      if (position === undefined || position > upTo) return [];
      this.assigning.delete(conversationId);
    }
    this.removeWaiting(conversationId);
    const queued = this.readModels.openPushConversation(conversationId);
    return queued && this.ownership.owns(queued.state.queueId) ? [queued] : [];
  }

  /** Adds a waiting conversation; `dirty`: the next pass looks at it (a failed assignment waits for a batch). */
  private putWaiting({ state, queuedPosition }: Queued, dirty = true): void {
    // By the queue's partition: one instance sees a whole queue, so oldest-first within it stays exact.
    if (!state.queueId || !this.ownership.owns(state.queueId)) return;
    this.removeWaiting(state.id);
    const waiting: Waiting = { ...routable(state), workstreamId: state.workstreamId, queuedPosition };
    let queue = this.queues.get(waiting.queueId);
    if (!queue) this.queues.set(waiting.queueId, (queue = new Line()));
    queue.put(waiting);
    this.waiting.set(waiting.id, waiting);
    if (dirty) this.dirtyConversations.add(waiting.id);
  }

  private removeWaiting(conversationId: string): void {
    const waiting = this.waiting.get(conversationId);
    if (!waiting) return;
    this.waiting.delete(conversationId);
    const queue = this.queues.get(waiting.queueId)!;
    queue.items.delete(conversationId);
    if (queue.items.size === 0) this.queues.delete(waiting.queueId);
  }

  private pending(agentId: string): Map<string, PendingHold> {
    let pending = this.pendingHolds.get(agentId);
    if (!pending) this.pendingHolds.set(agentId, (pending = new Map()));
    return pending;
  }

  private workstream(id: string): Workstream | undefined {
    if (!this.workstreams.has(id)) this.workstreams.set(id, this.readModels.workstream(id));
    return this.workstreams.get(id);
  }
}

const withHold = (agent: AgentState, conversationId: string, units: number): AgentState => ({
  ...agent,
  holds: { ...agent.holds, [conversationId]: { conversationId, units, reason: 'active' } },
});

/** One queue's waiting conversations in arrival order (a Map iterates in insertion order). */
class Line {
  readonly items = new Map<string, Waiting>();
  private tail = 0;

  put(waiting: Waiting): void {
    this.items.set(waiting.id, waiting);
    if (waiting.queuedPosition >= this.tail) {
      this.tail = waiting.queuedPosition;
      return;
    }
    // Arrivals come in store order; one put back after a failed assignment may be older than the tail.
    const sorted = [...this.items.values()].sort((a, b) => a.queuedPosition - b.queuedPosition);
    this.items.clear();
    for (const w of sorted) this.items.set(w.id, w);
  }
}

/** Several arrival-ordered streams of waiting conversations merged into one, oldest first. */
class Sources {
  /** Each source with its next conversation, the oldest last (popped first). */
  private readonly heads: { head: Waiting; rest: Iterator<Waiting>; queueId?: string }[] = [];

  add(rest: Iterator<Waiting>, queueId?: string): void {
    const first = rest.next();
    if (!first.done) this.insert({ head: first.value, rest, queueId });
  }

  drop(queueId: string): void {
    const at = this.heads.findIndex((h) => h.queueId === queueId);
    if (at >= 0) this.heads.splice(at, 1);
  }

  next(): [Waiting, string | undefined] | undefined {
    const source = this.heads.pop();
    if (!source) return undefined;
    const { head, rest, queueId } = source;
    const following = rest.next();
    if (!following.done) this.insert({ head: following.value, rest, queueId });
    return [head, queueId];
  }

  private insert(source: { head: Waiting; rest: Iterator<Waiting>; queueId?: string }): void {
    let low = 0;
    let high = this.heads.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.heads[middle].head.queuedPosition > source.head.queuedPosition) low = middle + 1;
      else high = middle;
    }
    this.heads.splice(low, 0, source);
  }
}
