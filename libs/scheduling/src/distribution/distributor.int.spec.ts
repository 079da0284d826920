/**
 * Push distribution end to end: a real store, the read models fed by the projection runner, a manual clock,
 * and a Distributor whose `assign` goes through ConversationCommands like any other command.
 */
import { DomainError, OperatingHours, Workstream, WorkstreamSettings, freeUnits } from '#domain';
import { replayCapacity, readEverything } from '#command-handling/testing';
import { OPERATOR, byAgent, requestIn, signIn, workstream } from '#command-handling/testing';
import { Random, seedsFrom } from '#command-handling/testing';
import { DistributionEngine, startDistributionEngine } from '../testing/distribution-engine';

let engine: DistributionEngine;

afterEach(async () => {
  await engine?.close();
});

const configure = async (id: string, settings: WorkstreamSettings): Promise<Workstream> => {
  await engine.config.configureWorkstream(id, settings, OPERATOR);
  return { id, ...settings };
};

const queues = async (...ids: string[]) => {
  for (const id of ids) await engine.config.configureQueue(id, `Queue ${id}`, OPERATOR);
};

/** Status reason and primary agent of a conversation, as the read model has it. */
const where = (conversationId: string) => {
  const c = engine.readModels.conversationState(conversationId);
  return c && { statusReason: c.status, primaryAgentId: c.primaryAgentId ?? null };
};
const usedBy = (agentId: string) => engine.readModels.capacity(agentId)?.usedUnits;

describe('assignment', () => {
  it('an open conversation in a push workstream goes to the freest eligible agent', async () => {
    engine = await startDistributionEngine();
    await queues('q1', 'q2');
    const push = await configure('ws-push', workstream({ channel: 'sms', capacityUnits: 2 }));
    const pick = await configure('ws-pick', workstream({ channel: 'sms', distribution: 'pick', capacityUnits: 3 }));
    await signIn(engine, 'a1', 3, ['q1']); // 3 free
    await signIn(engine, 'a2', 5, ['q1']); // 5 free: the freest eligible
    await signIn(engine, 'a3', 10, ['q1'], 'offline');
    await signIn(engine, 'a4', 10, ['q2']); // not a member of q1
    await signIn(engine, 'a5', 10, ['q1'], 'busy');
    await signIn(engine, 'a6', 9, ['q1']); // 9, but 6 held: 3 free
    await requestIn(engine, 'p1', pick, 'q1');
    await requestIn(engine, 'p2', pick, 'q1');
    await engine.send({ type: 'pick', conversationId: 'p1', agentId: 'a6' });
    await engine.send({ type: 'pick', conversationId: 'p2', agentId: 'a6' });
    await requestIn(engine, 'c1', push, 'q1');

    expect(await engine.distribute()).toBeGreaterThan(0);

    expect(engine.readModels.conversation('c1')).toMatchObject({
      statusReason: 'active',
      primaryAgentId: 'a2',
      accepted: false,
    });
    expect(engine.readModels.capacity('a2')).toMatchObject({
      usedUnits: 2,
      freeUnits: 3,
      holds: [{ conversationId: 'c1', units: 2, reason: 'active' }],
    });
    expect(engine.distributionErrors).toEqual([]);
  });

  it('leaves conversations of a pick workstream for the agents to pick', async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const pick = await configure('ws-pick', workstream({ channel: 'sms', distribution: 'pick' }));
    await signIn(engine, 'a1', 5, ['q1']);
    await requestIn(engine, 'p1', pick, 'q1');

    expect(await engine.distribute()).toBe(0);
    expect(where('p1')).toEqual({ statusReason: 'open', primaryAgentId: null });
  });

  it('the oldest open conversation first', async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const ws = await configure('ws', workstream({ channel: 'sms', capacityUnits: 2, wrapUpCapacityBlock: 'never' }));
    await signIn(engine, 'a1', 2, ['q1']); // room for one at a time
    for (const id of ['conv-b', 'conv-a', 'conv-c']) {
      await requestIn(engine, id, ws, 'q1');
      engine.clock.advance(60);
    }

    await engine.distribute();
    expect([where('conv-b'), where('conv-a'), where('conv-c')]).toEqual([
      { statusReason: 'active', primaryAgentId: 'a1' },
      { statusReason: 'open', primaryAgentId: null },
      { statusReason: 'open', primaryAgentId: null },
    ]);

    // a1 finishes conv-b (wrap-up does not block): the next oldest, conv-a, is next.
    await engine.send({ type: 'accept', conversationId: 'conv-b', agentId: 'a1' });
    await engine.send({ type: 'end', conversationId: 'conv-b', agentId: 'a1' });
    await engine.distribute();
    expect([where('conv-a'), where('conv-c')]).toEqual([
      { statusReason: 'active', primaryAgentId: 'a1' },
      { statusReason: 'open', primaryAgentId: null },
    ]);
  });

  it('equally free agents take turns: the least recently assigned first', async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const ws = await configure('ws', workstream({ channel: 'sms', capacityUnits: 1, wrapUpCapacityBlock: 'never' }));
    await signIn(engine, 'a1', 2, ['q1']);
    await signIn(engine, 'a2', 2, ['q1']);
    const handled: string[] = [];
    for (const id of ['c1', 'c2', 'c3']) {
      await requestIn(engine, id, ws, 'q1');
      await engine.distribute();
      const agentId = where(id)!.primaryAgentId!;
      handled.push(agentId);
      // Done at once: both agents are equally free (2 units) before every assignment.
      await engine.send({ type: 'accept', conversationId: id, agentId });
      await engine.send({ type: 'end', conversationId: id, agentId });
      await engine.settle();
      expect([usedBy('a1'), usedBy('a2')]).toEqual([0, 0]);
    }
    expect(handled).toEqual(['a1', 'a2', 'a1']);
  });

  it('a rejected offer goes to the next agent', async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const ws = await configure('ws', workstream({ channel: 'sms', capacityUnits: 1 }));
    await signIn(engine, 'a1', 4, ['q1']);
    await signIn(engine, 'a2', 3, ['q1']);
    await requestIn(engine, 'c1', ws, 'q1');
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a1' });

    await engine.send({ type: 'reject', conversationId: 'c1', agentId: 'a1' });
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a2' });
    expect([usedBy('a1'), usedBy('a2')]).toEqual([0, 1]);
  });
});

describe('capacity', () => {
  const SEEDS = seedsFrom('DISTRIBUTOR_SEEDS', [7, 2026, 31337]);

  /** How big a race is: agents and conversations (ranges), and how many passes, picks and capacity changes race. */
  interface Size {
    agents: [number, number];
    conversations: [number, number];
    passes: number;
    picks: number;
    capacityChanges: number;
  }
  const SMALL: Size = { agents: [5, 10], conversations: [20, 40], passes: 3, picks: 8, capacityChanges: 3 };
  const LARGE: Size = {
    agents: [1000, 1500],
    conversations: [3000, 4000],
    passes: 5,
    picks: 400,
    capacityChanges: 100,
  };

  const passesRacingPicks = async (seed: number, size: Size) => {
    const rng = new Random(seed);
    engine = await startDistributionEngine();
    await queues('q1', 'q2');
    const workstreams = [
      await configure('ws-1', workstream({ channel: 'sms', capacityUnits: rng.int(1, 2) })),
      await configure('ws-2', workstream({ channel: 'live_chat', capacityUnits: rng.int(1, 3) })),
    ];
    const agentIds = Array.from({ length: rng.int(...size.agents) }, (_, i) => `a${i + 1}`);
    // a1 and a2 are available in both queues and left alone below; the others anywhere, in any presence.
    await Promise.all(
      agentIds.map((id, i) => {
        const queueIds = i < 2 ? ['q1', 'q2'] : rng.pick([['q1'], ['q2'], ['q1', 'q2']]);
        const presence = i < 2 ? 'available' : rng.pick(['available', 'available', 'busy', 'offline'] as const);
        return signIn(engine, id, rng.int(2, 8), queueIds, presence);
      }),
    );
    const conversationIds = Array.from({ length: rng.int(...size.conversations) }, (_, i) => `c${i + 1}`);
    await Promise.all(
      conversationIds.map((id) => requestIn(engine, id, rng.pick(workstreams), rng.pick(['q1', 'q2']))),
    );
    await engine.settle();

    // Passes race with agents picking conversations and an operator changing capacities.
    const others = agentIds.slice(2);
    const racing = [
      ...Array.from({ length: size.passes }, () => () => engine.distributor.distribute()),
      ...Array.from({ length: size.picks }, () => {
        const conversationId = rng.pick(conversationIds);
        const agentId = rng.pick(others);
        return () => engine.send({ type: 'pick', conversationId, agentId }, byAgent(agentId));
      }),
      ...Array.from({ length: size.capacityChanges }, () => {
        const agentId = rng.pick(others);
        const capacityUnits = rng.int(1, 4);
        return () =>
          engine.config.agent(
            { type: 'configureAgent', agentId, name: agentId, capacityUnits, queueIds: ['q1', 'q2'] },
            OPERATOR,
          );
      }),
    ];
    const outcomes = await Promise.allSettled(rng.shuffle(racing).map((run) => run()));
    for (const outcome of outcomes)
      if (outcome.status === 'rejected' && !(outcome.reason instanceof DomainError)) throw outcome.reason;
    // Then passes until nothing more can be assigned.
    while ((await engine.distribute()) > 0);

    const events = await readEverything(engine.store);
    const replayed = replayCapacity(events);
    expect({ seed, violations: replayed.violations }).toEqual({ seed, violations: [] });
    // Not vacuous: distribution assigned conversations (a1 and a2 alone have room for some), not only the picks.
    expect(events.filter((e) => e.type === 'conversation.assigned').length).toBeGreaterThanOrEqual(2);
    const agents = agentIds.map((id) => engine.readModels.agent(id)!);
    for (const id of agentIds) {
      const capacity = engine.readModels.capacity(id)!;
      const within = capacity.usedUnits <= capacity.totalUnits || replayed.loweredBelowUse.has(id);
      expect({ seed, id, within }).toEqual({ seed, id, within: true });
      expect(capacity.freeUnits).toBeGreaterThanOrEqual(0);
      // The read model agrees with the store.
      expect(engine.readModels.agent(id)).toEqual(replayed.agents.get(id));
    }
    const active = conversationIds.filter((id) => where(id)?.statusReason === 'active');
    expect(active.length).toBeGreaterThan(0);
    // Work-conserving: no open conversation is left that an available member of its queue has room for.
    for (const id of conversationIds.filter((c) => where(c)?.statusReason === 'open')) {
      const c = engine.readModels.conversationState(id)!;
      const fits = agents
        .filter(
          (a) =>
            a.presence === 'available' && a.queueIds.includes(c.queueId) && freeUnits(a) >= c.settings.capacityUnits,
        )
        .map((a) => a.id);
      expect({ seed, open: id, fits }).toEqual({ seed, open: id, fits: [] });
    }
    return { assigned: events.filter((e) => e.type === 'conversation.assigned').length, active: active.length };
  };

  it.each(SEEDS)(
    'seed %i: many conversations and agents, passes racing with picks: never above capacity, nothing left that fits',
    async (seed) => {
      await passesRacingPicks(seed, SMALL);
    },
  );

  it.each(SEEDS.slice(0, 1))(
    'seed %i: thousands of agents and conversations, passes racing with hundreds of picks and capacity changes',
    async (seed) => {
      const { assigned } = await passesRacingPicks(seed, LARGE);
      // Distribution did most of the work: thousands of assignments, decided many per pass.
      expect(assigned).toBeGreaterThan(1000);
    },
    600_000,
  );
});

describe('reacting to what changed', () => {
  it('a new conversation costs a read of that conversation, not of the backlog; nobody with room: no pass work', async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const ws = await configure('ws', workstream({ channel: 'sms' }));
    await signIn(engine, 'a1', 3, ['q1'], 'offline');
    await Promise.all(Array.from({ length: 300 }, (_, i) => requestIn(engine, `old-${i}`, ws, 'q1')));
    await engine.settle();
    await engine.distributor.distributeChanged();
    const backlog = jest.spyOn(engine.readModels, 'openPushConversations');
    const one = jest.spyOn(engine.readModels, 'openPushConversation');

    await requestIn(engine, 'new', ws, 'q1');
    await engine.settle();
    const send = jest.spyOn(engine.commands, 'execute');
    expect(await engine.distributor.distributeChanged()).toBe(0);

    expect(backlog).not.toHaveBeenCalled();
    expect(one.mock.calls).toEqual([['new']]);
    expect(send).not.toHaveBeenCalled();
  });

  it('agents signing in drain the backlog oldest first, many assignments in one pass, never above capacity', async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const ws = await configure('ws', workstream({ channel: 'sms', capacityUnits: 1 }));
    const ids = Array.from({ length: 60 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    for (const id of ids) await requestIn(engine, id, ws, 'q1');
    await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(engine, `a${i}`, 5, ['q1'])));
    await engine.settle();
    const sent = jest.spyOn(engine.commands, 'execute');

    const position = await engine.distributor.distributeChanged();
    await engine.runner.waitFor(position, 5000);

    // One pass: 10 agents × 5 units, the 50 oldest.
    expect(sent).toHaveBeenCalledTimes(50);
    expect(ids.map((id) => where(id)!.statusReason)).toEqual([...Array(50).fill('active'), ...Array(10).fill('open')]);
    expect(Array.from({ length: 10 }, (_, i) => usedBy(`a${i}`))).toEqual(Array(10).fill(5));
    expect(replayCapacity(await readEverything(engine.store)).violations).toEqual([]);
    expect(engine.distributionErrors).toEqual([]);
  });
});

describe('keep same agent', () => {
  /**
   * c1 (persistent chat, 2 units, keep-same-agent) was a1's; a1 parked it and then filled up with two 2-unit
   * conversations of a pick workstream (4 of 4 units); the customer writes again, so c1 is open. a2 has 3 units free.
   */
  const cameBackWhileA1IsFull = async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const chat = await configure(
      'ws-chat',
      workstream({ channel: 'persistent_chat', keepSameAgent: true, capacityUnits: 2 }),
    );
    const other = await configure('ws-other', workstream({ channel: 'sms', distribution: 'pick', capacityUnits: 2 }));
    await signIn(engine, 'a1', 4, ['q1']);
    await signIn(engine, 'a2', 3, ['q1']);
    await requestIn(engine, 'c1', chat, 'q1');
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a1' });
    await engine.send({ type: 'accept', conversationId: 'c1', agentId: 'a1' });
    await engine.send({ type: 'closeSession', conversationId: 'c1', agentId: 'a1' });
    for (const id of ['f1', 'f2']) {
      await requestIn(engine, id, other, 'q1');
      await engine.send({ type: 'pick', conversationId: id, agentId: 'a1' });
    }
    await engine.send({ type: 'customerMessage', conversationId: 'c1', text: 'I am back' });
    await engine.settle();
    expect(where('c1')).toEqual({ statusReason: 'open', primaryAgentId: null });
    expect([usedBy('a1'), usedBy('a2')]).toEqual([4, 0]);
  };

  it('waits for the last agent while they are full, even with another agent free, and goes to them once they have room', async () => {
    await cameBackWhileA1IsFull();

    expect(await engine.distribute()).toBe(0);
    expect(where('c1')).toEqual({ statusReason: 'open', primaryAgentId: null });
    expect(usedBy('a2')).toBe(0);

    await engine.send({ type: 'release', conversationId: 'f1', agentId: 'a1' });
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a1' });
    expect(usedBy('a2')).toBe(0);
  });

  it('waits for the last agent while they are busy', async () => {
    await cameBackWhileA1IsFull();
    await engine.send({ type: 'release', conversationId: 'f1', agentId: 'a1' });
    await engine.config.agent({ type: 'changePresence', agentId: 'a1', status: 'busy' }, { kind: 'agent', id: 'a1' });

    expect(await engine.distribute()).toBe(0);
    expect(where('c1')).toEqual({ statusReason: 'open', primaryAgentId: null });

    await engine.config.agent(
      { type: 'changePresence', agentId: 'a1', status: 'available' },
      { kind: 'agent', id: 'a1' },
    );
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a1' });
  });

  it('a first offer the agent rejects goes to the next agent, it does not wait for the agent who rejected it', async () => {
    engine = await startDistributionEngine();
    await queues('q1');
    const chat = await configure(
      'ws-chat',
      workstream({ channel: 'persistent_chat', keepSameAgent: true, capacityUnits: 1 }),
    );
    await signIn(engine, 'a1', 4, ['q1']);
    await signIn(engine, 'a2', 3, ['q1']);
    await requestIn(engine, 'c1', chat, 'q1');
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a1' });

    await engine.send({ type: 'reject', conversationId: 'c1', agentId: 'a1' });
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a2' });
  });

  it('goes to someone else once the last agent signs out', async () => {
    await cameBackWhileA1IsFull();
    await engine.config.agent(
      { type: 'changePresence', agentId: 'a1', status: 'offline' },
      { kind: 'agent', id: 'a1' },
    );

    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a2' });
  });
});

describe('operating hours', () => {
  /** Weekdays 09:00–17:00 in Copenhagen: Monday 2026-11-23 opens at 08:00 UTC. */
  const HOURS: OperatingHours = {
    timeZone: 'Europe/Copenhagen',
    weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', to: '17:00' })),
  };
  const SATURDAY_NOON = '2026-11-21T11:00:00.000Z';

  it('a persistent chat written outside operating hours stays open and is distributed once they begin', async () => {
    engine = await startDistributionEngine(SATURDAY_NOON);
    await queues('q1');
    const ws = await configure(
      'ws-chat',
      workstream({ channel: 'persistent_chat', keepSameAgent: true, operatingHours: HOURS }),
    );
    await signIn(engine, 'a1', 3, ['q1']);
    await requestIn(engine, 'c1', ws, 'q1');

    expect(await engine.distribute()).toBe(0);
    expect(where('c1')).toEqual({ statusReason: 'open', primaryAgentId: null });

    engine.clock.advance((Date.parse('2026-11-23T07:59:00.000Z') - Date.parse(SATURDAY_NOON)) / 1000); // Monday 08:59
    expect(await engine.distribute()).toBe(0);
    expect(where('c1')).toEqual({ statusReason: 'open', primaryAgentId: null });

    engine.clock.advance(60); // Monday 09:00
    expect(await engine.distribute()).toBeGreaterThan(0);
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a1' });
    expect(usedBy('a1')).toBe(1);
  });

  it('a persistent chat written at closing time (17:00, `to` exclusive) waits for the next opening', async () => {
    engine = await startDistributionEngine('2026-11-23T16:00:00.000Z'); // Monday 17:00
    await queues('q1');
    const ws = await configure('ws-chat', workstream({ channel: 'persistent_chat', operatingHours: HOURS }));
    await signIn(engine, 'a1', 3, ['q1']);
    await requestIn(engine, 'c1', ws, 'q1');

    expect(await engine.distribute()).toBe(0);
    engine.clock.advance(16 * 3600 - 60); // Tuesday 07:59 UTC = 08:59 local
    expect(await engine.distribute()).toBe(0);
    engine.clock.advance(60);
    await engine.distribute();
    expect(where('c1')).toEqual({ statusReason: 'active', primaryAgentId: 'a1' });
  });

  it('a live chat outside operating hours is refused: no live agent is available', async () => {
    engine = await startDistributionEngine(SATURDAY_NOON);
    await queues('q1');
    const ws = await configure('ws-live', workstream({ channel: 'live_chat', operatingHours: HOURS }));
    await expect(requestIn(engine, 'c1', ws, 'q1')).rejects.toMatchObject({
      kind: 'not_allowed',
      message: expect.stringContaining('no live agent is available'),
    });
    await engine.settle();
    expect(engine.readModels.conversation('c1')).toBeUndefined();
  });
});
