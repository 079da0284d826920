import Database from 'better-sqlite3';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '#command-handling';
import { Random, byAgent } from '#command-handling/testing';
import { Channel, ConversationCommand, PRESENCES, WorkstreamSettings } from '#domain';
import { Actor } from '#event-store';
import { InMemoryEventStore } from '#event-store/testing';
import { allProjections, compareReadModels, rebuild } from '#read-models';
import { Ownership, partitionOf } from '#scheduling';
import { ManualClock } from '#clock';
import { Broker } from './broker';
import { SimInstance, isExpected } from './instance';
import { InvariantChecker, Violation } from './invariants';
import { Scheduler, Stuck } from './scheduler';

/** What a step does; its parameters come from its own seed, so a trace stays meaningful with steps removed. */
export const STEP_KINDS = {
  channelEvent: 26,
  consume: 18,
  agentCommand: 24,
  burst: 6,
  presence: 5,
  reconfigure: 2,
  time: 10,
  restart: 2,
  storeFault: 4,
  brokerFault: 3,
  movePartitions: 3,
} as const;
export type StepKind = keyof typeof STEP_KINDS;

export interface Step {
  kind: StepKind;
  seed: number;
}

export interface SimOptions {
  /** Read models compared with a rebuild from the store every this many steps. */
  rebuildEvery?: number;
  /** Deadlines must be decided by the end of the first step without a fault after they pass, plus this. */
  deadlineBoundSeconds?: number;
  /**
   * Channel adapters occasionally reuse an eventId for another conversation (issue 22: the duplicate check is
   * per conversation until then). Off by default: the simulation finds that known gap when it is on.
   */
  reuseEventIds?: boolean;
  /** Called with each line of the run's log. */
  log?: (line: string) => void;
}

export interface SimResult {
  steps: number;
  events: number;
  /** The first step at which an invariant broke (1-based), with what broke. */
  failure?: { step: number; violations: Violation[] };
  summary: string;
}

const START = '2026-11-23T10:00:00.000Z';
const OPERATOR: Actor = { kind: 'system', id: 'sim-operator' };
const QUEUES = ['q0', 'q1'];
const AGENTS = ['a0', 'a1', 'a2', 'a3'];
const PARTITIONS = 8;

type SimWorkstream = WorkstreamSettings & { id: string };
const ws = (
  id: string,
  settings: Partial<WorkstreamSettings> & Pick<WorkstreamSettings, 'channel'>,
): SimWorkstream => ({
  id,
  distribution: 'push',
  capacityUnits: 1,
  wrapUpCapacityBlock: 'always',
  keepSameAgent: false,
  agentDisconnectTimeoutSeconds: 60,
  waitingInactivityTimeoutSeconds: 600,
  offerTimeoutSeconds: 30,
  ...settings,
});
const WORKSTREAMS: SimWorkstream[] = [
  ws('ws-live', { channel: 'live_chat' }),
  ws('ws-persistent', { channel: 'persistent_chat', keepSameAgent: true, wrapUpCapacityBlock: 'never' }),
  ws('ws-voice', { channel: 'voice', capacityUnits: 2, wrapUpCapacityBlock: { minutes: 2 } }),
  ws('ws-sms', { channel: 'sms' }),
  ws('ws-record', { channel: 'record', distribution: 'pick' }),
];

/** The steps a seed chooses: the whole run is a function of this list. */
export const stepsFor = (seed: number, count: number): Step[] => {
  const random = new Random(seed);
  return Array.from({ length: count }, () => ({
    kind: random.weighted(STEP_KINDS),
    seed: random.int(1, 2 ** 31 - 1),
  }));
};

interface Conversation {
  id: string;
  channel: Channel;
}

/**
 * The whole engine in one process on a virtual clock: two instances (A and B) over one in-memory store, each
 * with its own stream cache, command path, projections, timers, push distribution and channel-event consumer,
 * sharing the conversations' partitions. Every step is chosen by the seed; after each, the engine is run to rest
 * (the scheduler releasing every waiting operation in a seeded order) and the invariants are checked.
 */
export class Simulation {
  private readonly clock = new ManualClock(START);
  private readonly scheduler = new Scheduler(new Random(1));
  private readonly store: InMemoryEventStore;
  private readonly broker = new Broker(2);
  private readonly checker = new InvariantChecker();
  private readonly instances: SimInstance[];
  private readonly conversations: Conversation[] = [];
  private readonly records: { key: string; value: Buffer; conversationId: string }[] = [];
  /** Each instance's partitions as they really are; a stale instance acts on `instance.ownership` meanwhile. */
  private owned: Set<number>[];
  private stale?: { instance: SimInstance; steps: number };
  private events = 0;
  private readonly log: (line: string) => void;
  private readonly options: Required<Omit<SimOptions, 'log'>>;

  constructor(options: SimOptions = {}) {
    this.log = options.log ?? (() => undefined);
    this.options = {
      rebuildEvery: options.rebuildEvery ?? 25,
      deadlineBoundSeconds: options.deadlineBoundSeconds ?? 0,
      reuseEventIds: options.reuseEventIds ?? false,
    };
    this.store = new InMemoryEventStore({
      now: () => this.clock.now(),
      gate: (operation) => this.scheduler.gate(operation),
      batchSize: 7,
    });
    const retry: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      random: () => this.scheduler.random.next(),
      sleep: () => this.scheduler.gate('retry pause'),
    };
    const half = Array.from({ length: PARTITIONS }, (_, i) => i);
    this.owned = [new Set(half.filter((p) => p % 2 === 0)), new Set(half.filter((p) => p % 2 === 1))];
    const push = new Set(WORKSTREAMS.filter((w) => w.distribution === 'push').map((w) => w.id));
    this.checker.isPush = (id) => push.has(id);
    this.checker.sameOwner = (a, b) => !this.stale && this.ownerOf(a) === this.ownerOf(b);
    this.instances = ['A', 'B'].map(
      (name, i) =>
        new SimInstance(
          name,
          this.store,
          this.scheduler,
          this.clock,
          retry,
          new Ownership(this.owned[i], PARTITIONS),
          this.broker,
          [i],
        ),
    );
  }

  async run(steps: Step[]): Promise<SimResult> {
    await this.setUp();
    for (let n = 0; n < steps.length; n++) {
      const step = steps[n];
      let violations: Violation[];
      try {
        const line = await this.step(step);
        this.log(`${n + 1} ${step.kind}: ${line}`);
        violations = await this.check(n + 1);
      } catch (error) {
        violations = [
          { invariant: error instanceof Stuck ? 'comes to rest' : 'no unexpected error', detail: describe(error) },
        ];
      }
      if (violations.length > 0) {
        for (const v of violations) this.log(`VIOLATION at step ${n + 1}: ${v.invariant}: ${v.detail}`);
        await this.history(violations);
        return { steps: n + 1, events: this.events, failure: { step: n + 1, violations }, summary: this.summary() };
      }
    }
    await this.stop();
    return { steps: steps.length, events: this.events, summary: this.summary() };
  }

  /** The stored events of the conversations and agents a violation names: where to start reading. */
  private async history(violations: Violation[]): Promise<void> {
    this.scheduler.direct = true;
    const named = new Set(violations.flatMap((v) => v.detail.match(/\b[ca]\d+\b/g) ?? []));
    for (const id of named) {
      const state = this.checker.conversations.get(id) ?? this.checker.agents.get(id);
      this.log(`  ${id} now: ${JSON.stringify(state)}`);
    }
    for (const event of await this.store.readAll(0, Number.MAX_SAFE_INTEGER)) {
      const ids = [event.data.conversationId, event.data.agentId];
      if (!ids.some((id) => named.has(id as string)) || event.type.startsWith('conversation.customer_message'))
        continue;
      const { actor, statusReason } = event.metadata;
      this.log(
        `  @${event.position} ${event.type} ${JSON.stringify(event.data)} by ${actor.kind}:${actor.id}` +
          `${statusReason ? ` -> ${String(statusReason)}` : ''} at ${event.recordedAt}`,
      );
    }
  }

  private summary(): string {
    const statuses = new Map<string, number>();
    for (const c of this.checker.conversations.values()) statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
    return (
      `${this.events} events, ${this.checker.conversations.size} conversations (` +
      [...statuses].map(([s, n]) => `${s} ${n}`).join(', ') +
      `), ${this.broker.deadLetters.length} dead letters, clock ${this.clock.now()}`
    );
  }

  private async stop(): Promise<void> {
    await this.settle(async () => {
      for (const instance of this.instances) {
        instance.timers.stop();
        await instance.runner.stop();
      }
    });
  }

  private async setUp(): Promise<void> {
    for (const instance of this.instances) await this.settle(() => instance.start());
    const a = this.instances[0];
    await this.settle(async () => {
      for (const q of QUEUES) await a.config.configureQueue(q, `Queue ${q}`, OPERATOR);
      for (const { id, ...settings } of WORKSTREAMS) await a.config.configureWorkstream(id, settings, OPERATOR);
      const random = new Random(7);
      for (const agentId of AGENTS) {
        const queueIds = random.chance(0.3) ? [random.pick(QUEUES)] : QUEUES;
        const capacityUnits = random.int(2, 4);
        await a.config.agent({ type: 'configureAgent', agentId, name: agentId, capacityUnits, queueIds }, OPERATOR);
        await a.config.agent({ type: 'changePresence', agentId, status: 'available' }, { kind: 'agent', id: agentId });
      }
    });
  }

  /** Runs `work` and everything it sets in motion to rest, in the seeded order. */
  private async settle(work: () => Promise<unknown>): Promise<void> {
    let done = false;
    let failure: unknown;
    void work()
      .catch((error) => (failure = error))
      .finally(() => (done = true));
    await this.scheduler.settle(
      () => done && this.instances.every((i) => !i.runner || i.runner.position >= this.store.head),
    );
    if (failure) throw failure;
  }

  private async step(step: Step): Promise<string> {
    const random = new Random(step.seed);
    this.scheduler.random = new Random(step.seed ^ 0x5eed);
    const instance = random.pick(this.instances);
    switch (step.kind) {
      case 'channelEvent':
        return this.channelEvent(random);
      case 'consume': {
        const max = random.int(1, 4);
        await this.settle(() => instance.consume(max));
        return `${instance.name} consumes up to ${max} per partition (backlog ${this.broker.backlog()})`;
      }
      case 'agentCommand': {
        const command = this.agentCommand(random);
        if (!command) return 'no conversation yet';
        let outcome = '';
        await this.settle(async () => (outcome = await this.send(instance, command)));
        return `${instance.name} ${describeCommand(command)} -> ${outcome}`;
      }
      case 'burst': {
        const sends = Array.from({ length: random.int(2, 4) }, () => ({
          on: random.pick(this.instances),
          command: this.agentCommand(random),
        })).filter((s): s is { on: SimInstance; command: ConversationCommand } => s.command !== undefined);
        const outcomes: string[] = [];
        await this.settle(() =>
          Promise.all(
            sends.map(async ({ on, command }, n) => {
              outcomes[n] = `${on.name} ${describeCommand(command)} -> ${await this.send(on, command)}`;
            }),
          ),
        );
        return outcomes.join('; ') || 'no conversation yet';
      }
      case 'presence': {
        const agentId = random.pick(AGENTS);
        const status = random.weighted({ available: 5, busy: 1, away: 1, offline: 1 } as Record<
          (typeof PRESENCES)[number],
          number
        >);
        let outcome = 'ok';
        await this.settle(() =>
          instance.config
            .agent({ type: 'changePresence', agentId, status }, { kind: 'agent', id: agentId })
            .catch((error) => (outcome = outcomeOf(error))),
        );
        return `${instance.name} ${agentId} is ${status} -> ${outcome}`;
      }
      case 'reconfigure': {
        const agentId = random.pick(AGENTS);
        const capacityUnits = random.int(1, 4);
        const queueIds = random.chance(0.3) ? [random.pick(QUEUES)] : QUEUES;
        let outcome = 'ok';
        await this.settle(() =>
          instance.config
            .agent({ type: 'configureAgent', agentId, name: agentId, capacityUnits, queueIds }, OPERATOR)
            .catch((error) => (outcome = outcomeOf(error))),
        );
        return `${agentId} reconfigured to ${capacityUnits} units in [${queueIds}] -> ${outcome}`;
      }
      case 'time':
        return this.passTime(random.pick([1, 5, 20, 45, 90, 200, 700]));
      case 'restart': {
        const wipe = random.chance(0.25);
        await this.settle(() => instance.restart(wipe));
        return `${instance.name} restarts${wipe ? ', its read models lost' : ''}`;
      }
      case 'storeFault': {
        const fault = random.pick([
          { kind: 'conflict' } as const,
          { kind: 'unavailable', operations: random.int(1, 6) } as const,
          { kind: 'slow', rounds: random.int(5, 60) } as const,
        ]);
        instance.store.inject(fault);
        return `${instance.name}'s store: ${JSON.stringify(fault)}`;
      }
      case 'brokerFault': {
        const partition = random.int(0, this.broker.partitionCount - 1);
        if (random.chance(0.5)) {
          const count = random.int(1, 5);
          this.broker.loseCommits(partition, count);
          for (const i of this.instances) i.restartConsumer();
          return `partition ${partition} loses its last ${count} commits (redelivery)`;
        }
        instance.restartConsumer();
        return `${instance.name}'s consumer restarts`;
      }
      case 'movePartitions':
        return this.movePartitions(random);
    }
  }

  private async send(instance: SimInstance, command: ConversationCommand): Promise<string> {
    try {
      const result = await instance.send(
        command,
        'agentId' in command ? byAgent(command.agentId) : { actor: 'customer' },
      );
      return result.events.length ? `ok (${result.statusReason})` : `nothing to do (${result.statusReason})`;
    } catch (error) {
      if (!isExpected(error)) throw error;
      return outcomeOf(error);
    }
  }

  private channelEvent(random: Random): string {
    const n = this.records.length;
    if (this.records.length > 0 && random.chance(0.1)) {
      const again = random.pick(this.records);
      this.broker.produce(again.key, again.value);
      return `the adapter sends again an event for ${again.conversationId}`;
    }
    if (random.chance(0.03)) {
      this.broker.produce('c-bad', Buffer.from(random.chance(0.5) ? '{"type": "customer.message"' : '{"type":"x"}'));
      return 'a malformed channel event';
    }
    const existing = this.conversations.length > 0 && random.chance(0.7) ? random.pick(this.conversations) : undefined;
    let eventId = `ev-${n}`;
    if (this.options.reuseEventIds && this.records.length > 0 && random.chance(0.05))
      eventId = JSON.parse(random.pick(this.records).value.toString()).eventId;
    const base = { eventId, occurredAt: this.clock.now() };
    let event: Record<string, unknown>;
    let conversationId: string;
    if (!existing) {
      const workstream = random.pick(WORKSTREAMS);
      conversationId = `c${this.conversations.length}`;
      this.conversations.push({ id: conversationId, channel: workstream.channel });
      event = {
        ...base,
        type: 'conversation.requested',
        conversationId,
        payload: {
          channel: workstream.channel,
          workstreamId: workstream.id,
          queueId: random.pick(QUEUES),
          customer: { id: `cust-${conversationId}`, authenticated: true },
        },
      };
    } else {
      conversationId = existing.id;
      const primary = this.checker.conversations.get(existing.id)?.primaryAgentId ?? random.pick(AGENTS);
      const type = random.pick([
        'customer.message',
        'customer.message',
        'customer.ended',
        'customer.disconnected',
        'customer.reconnected',
        'agent.disconnected',
        'agent.reconnected',
        ...(existing.channel === 'voice' ? ['voice.transferred'] : []),
      ]);
      const payload: Record<string, unknown> =
        type === 'customer.message'
          ? { text: `hello ${n}` }
          : type === 'agent.disconnected' || type === 'agent.reconnected'
            ? { agentId: primary }
            : type === 'voice.transferred'
              ? { byAgentId: primary, ...transferTarget(random) }
              : {};
      event = { ...base, type, conversationId, payload };
    }
    const value = Buffer.from(JSON.stringify(event));
    this.records.push({ key: conversationId, value, conversationId });
    this.broker.produce(conversationId, value);
    return `${event.type} for ${conversationId} (${eventId})`;
  }

  /** Mostly what an agent would do next in the conversation's status; sometimes anything (it must be refused). */
  private agentCommand(random: Random): ConversationCommand | undefined {
    if (this.conversations.length === 0) return undefined;
    const live = this.conversations.filter((c) => this.checker.conversations.get(c.id)?.status !== 'closed');
    const { id: conversationId } = random.pick(live.length > 0 && random.chance(0.9) ? live : this.conversations);
    const state = this.checker.conversations.get(conversationId);
    const agentId = state?.primaryAgentId && random.chance(0.8) ? state.primaryAgentId : random.pick(AGENTS);
    const plausible: Record<string, AgentCommandKind[]> = {
      open: ['pick'],
      offered: ['accept', 'accept', 'reject'],
      active: ['end', 'end', 'closeSession', 'release', 'resolve', 'transfer', 'agentMessage'],
      wrap_up: ['end', 'closeSession'],
      waiting: ['resume'],
    };
    const status = state?.status === 'active' && !state.accepted ? 'offered' : (state?.status ?? 'open');
    const kind: AgentCommandKind =
      status in plausible && random.chance(0.8) ? random.pick(plausible[status]) : random.pick(ANY_AGENT_COMMAND);
    if (kind === 'transfer') return { type: 'transfer', conversationId, agentId, target: transferTarget(random) };
    if (kind === 'agentMessage') return { type: 'agentMessage', conversationId, agentId, text: 'a reply' };
    return { type: kind, conversationId, agentId };
  }

  /** Moves the clock as the once-a-second ticker would see it: stopping at every deadline on the way. */
  private async passTime(seconds: number): Promise<string> {
    const target = Date.parse(this.clock.now()) + seconds * 1000;
    let stops = 0;
    for (;;) {
      const next = this.instances
        .map((i) => i.readModels.nextDeadline(this.clock.now(), new Date(target).toISOString()))
        .filter((d): d is string => d !== undefined)
        .sort()[0];
      const stop = next ? Math.max(Date.parse(next), Date.parse(this.clock.now())) : target;
      this.clock.advance((stop - Date.parse(this.clock.now())) / 1000);
      await this.settle(() => Promise.all(this.instances.map((i) => i.tick())));
      stops++;
      if (stop >= target || stops > 50) return `${seconds} s pass (${stops} ticks), now ${this.clock.now()}`;
    }
  }

  private movePartitions(random: Random): string {
    if (this.stale) return 'partitions are moving already';
    const from = random.int(0, 1);
    const to = 1 - from;
    const moving = [...this.owned[from]].filter(() => random.chance(0.5));
    if (moving.length === 0) return 'nothing to move';
    for (const p of moving) {
      this.owned[from].delete(p);
      this.owned[to].add(p);
    }
    const [giver, taker] = [this.instances[from], this.instances[to]];
    taker.own(new Ownership(this.owned[to], PARTITIONS));
    // The giver has not noticed yet: it keeps timing and routing what it no longer owns for a few steps.
    const steps = random.int(0, 6);
    if (steps === 0) giver.own(new Ownership(this.owned[from], PARTITIONS));
    else this.stale = { instance: giver, steps };
    return `partitions [${moving}] move from ${giver.name} to ${taker.name}${steps ? `; ${giver.name} is stale for ${steps} steps` : ''}`;
  }

  /** The end of every step: the ticker on both instances, rest, then the invariants. */
  private async check(step: number): Promise<Violation[]> {
    await this.settle(() => Promise.all(this.instances.map((i) => i.tick())));
    const disturbed = this.instances.map((i) => i.store.takeStruck()).some(Boolean);
    this.scheduler.direct = true;
    try {
      const fresh = await this.store.readAll(this.checker.position, Number.MAX_SAFE_INTEGER);
      this.events += fresh.length;
      const found = [...this.checker.follow(fresh), ...this.checker.always()];
      for (const i of this.instances)
        found.push(...i.unexpected.map((detail) => ({ invariant: 'no unexpected error', detail })));
      if (!disturbed) {
        found.push(...this.checker.overdue(this.clock.now(), this.options.deadlineBoundSeconds));
        found.push(...this.checker.starvation(), ...this.checker.overtakings());
      } else this.checker.forgetOvertakings();
      if (step % this.options.rebuildEvery === 0) found.push(...(await this.compareWithRebuild()));
      return found;
    } finally {
      this.scheduler.direct = false;
      // The stale owner notices at the end of a step: what it did meanwhile was judged as a stale owner's.
      if (this.stale && --this.stale.steps <= 0) {
        const i = this.instances.indexOf(this.stale.instance);
        this.stale.instance.own(new Ownership(this.owned[i], PARTITIONS));
        this.stale = undefined;
      }
    }
  }

  private ownerOf(conversationId: string): number {
    return this.owned[0].has(partitionOf(conversationId, PARTITIONS)) ? 0 : 1;
  }

  private async compareWithRebuild(): Promise<Violation[]> {
    const rebuilt = new Database(':memory:');
    try {
      await rebuild(this.store, rebuilt, allProjections);
      return this.instances.flatMap((i) =>
        compareReadModels(i.db, rebuilt, 3).map((d) => ({
          invariant: 'read models equal a rebuild',
          detail: `${i.name}: ${d.table} ${d.key}: live ${JSON.stringify(d.live)} rebuilt ${JSON.stringify(d.rebuilt)}`,
        })),
      );
    } finally {
      rebuilt.close();
    }
  }
}

const ANY_AGENT_COMMAND = [
  'pick',
  'accept',
  'reject',
  'end',
  'closeSession',
  'release',
  'resume',
  'resolve',
  'transfer',
  'agentMessage',
] as const;
type AgentCommandKind = (typeof ANY_AGENT_COMMAND)[number];

const transferTarget = (random: Random) =>
  random.pick([
    { toAgentId: random.pick(AGENTS) },
    { toQueueId: random.pick(QUEUES) },
    { toExternalNumber: '+15550100' },
  ]);

const describeCommand = (c: ConversationCommand): string =>
  `${c.type} ${c.conversationId}${'agentId' in c ? ` by ${c.agentId}` : ''}${'target' in c ? ` to ${JSON.stringify(c.target)}` : ''}`;

const outcomeOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}${'kind' in error ? ` ${String(error.kind)}` : ''}` : String(error);

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
