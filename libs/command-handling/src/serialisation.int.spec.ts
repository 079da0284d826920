import { Workstream, streams } from '#domain';
import { AppendRequest, EventStore, WrongExpectedRevisionError } from '#event-store';
import { toNewEvent } from '#event-envelope';
import { ConversationCommands } from './conversation-commands';
import { StreamCache } from './stream-cache';
import { OPERATOR, TestEngine, byAgent, requestIn, signIn, startEngine, workstream } from './testing/engine';

const WS: Workstream = { id: 'ws', ...workstream({ channel: 'live_chat', distribution: 'pick' }) };
const CLIENTS = 32;

/** The engine's store, with a hook that runs another writer's change just before the next append goes in. */
const interceptedStore = (store: EventStore) => {
  let before: (() => Promise<unknown>) | undefined;
  const attempts: AppendRequest[][] = [];
  const wrapped: EventStore = {
    append: async (requests) => {
      attempts.push(requests);
      const interfere = before;
      before = undefined;
      await interfere?.();
      return store.append(requests);
    },
    readStream: (streamId, fromRevision) => store.readStream(streamId, fromRevision),
    readLastEvent: (streamId) => store.readLastEvent(streamId),
    readAll: (after, max) => store.readAll(after, max),
    headPosition: () => store.headPosition(),
    subscribeToAll: (after, handler, onError) => store.subscribeToAll(after, handler, onError),
    close: () => store.close(),
  };
  return { wrapped, attempts, beforeNextAppend: (interfere: () => Promise<unknown>) => (before = interfere) };
};

describe('commands on the same streams in one process are serialised', () => {
  let engine: TestEngine;

  beforeEach(async () => {
    engine = startEngine();
    await engine.config.configureQueue('q', 'Queue', OPERATOR);
    await engine.config.configureWorkstream(WS.id, WS, OPERATOR);
    await signIn(engine, 'a', CLIENTS * 2, ['q']);
  });

  afterEach(() => engine.close());

  it(`one agent, ${CLIENTS} clients each running pick, end, close-session: no error, no lost race`, async () => {
    const append = jest.spyOn(engine.store, 'append');
    const ids = Array.from({ length: CLIENTS }, (_, n) => `c${n}`);
    await Promise.all(ids.map((id) => requestIn(engine, id, WS, 'q')));
    const outcomes = await Promise.allSettled(
      ids.map(async (conversationId) => {
        await engine.send({ type: 'pick', conversationId, agentId: 'a' });
        await engine.send({ type: 'end', conversationId, agentId: 'a' });
        return engine.send({ type: 'closeSession', conversationId, agentId: 'a' });
      }),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const lost = append.mock.results.map((result) => result.value as Promise<unknown>);
    const rejections = (await Promise.allSettled(lost)).filter((outcome) => outcome.status === 'rejected');
    expect(rejections).toEqual([]);
    expect(append).toHaveBeenCalledTimes(CLIENTS * 4);
    const agent = await engine.store.readStream(streams.agent('a'));
    expect(agent.filter((e) => e.type === 'agent.capacity_released')).toHaveLength(CLIENTS);
    expect(engine.cache.locks.size).toBe(0);
  });

  it('an agent command and conversation commands on that agent do not race either', async () => {
    const append = jest.spyOn(engine.store, 'append');
    await Promise.all(['c1', 'c2', 'c3'].map((id) => requestIn(engine, id, WS, 'q')));
    await Promise.all([
      ...['c1', 'c2', 'c3'].map((conversationId) => engine.send({ type: 'pick', conversationId, agentId: 'a' })),
      engine.config.agent({ type: 'changePresence', agentId: 'a', status: 'busy' }, { kind: 'agent', id: 'a' }),
    ]);
    const outcomes = await Promise.allSettled(append.mock.results.map((r) => r.value as Promise<unknown>));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
  });
});

describe('a race lost to another writer is still retried', () => {
  let engine: TestEngine;

  beforeEach(async () => {
    engine = startEngine();
    await engine.config.configureQueue('q', 'Queue', OPERATOR);
    await engine.config.configureWorkstream(WS.id, WS, OPERATOR);
    await signIn(engine, 'a', 5, ['q']);
    await Promise.all(['c1', 'c2'].map((id) => requestIn(engine, id, WS, 'q')));
  });

  afterEach(() => engine.close());

  it('against a second command path (another process: its own cache and locks) on the same agent', async () => {
    const { wrapped, attempts, beforeNextAppend } = interceptedStore(engine.store);
    const here = new ConversationCommands(wrapped, new StreamCache(wrapped), engine.clock);
    const elsewhere = new ConversationCommands(engine.store, new StreamCache(engine.store), engine.clock);
    beforeNextAppend(() => elsewhere.execute({ type: 'pick', conversationId: 'c2', agentId: 'a' }, byAgent('a')));

    const picked = await here.execute({ type: 'pick', conversationId: 'c1', agentId: 'a' }, byAgent('a'));

    expect(picked.statusReason).toBe('active');
    expect(attempts).toHaveLength(2);
    const held = (await engine.store.readStream(streams.agent('a'))).filter((e) => e.type === 'agent.capacity_held');
    expect(held.map((e) => e.data.conversationId)).toEqual(['c2', 'c1']);
  });

  it('against an append made directly to the store, deciding again on what it wrote', async () => {
    const { wrapped, attempts, beforeNextAppend } = interceptedStore(engine.store);
    const commands = new ConversationCommands(wrapped, engine.cache, engine.clock);
    await engine.send({ type: 'pick', conversationId: 'c1', agentId: 'a' });
    const [{ revision }] = (await engine.store.readStream(streams.agent('a'))).slice(-1);
    beforeNextAppend(() =>
      engine.store.append([
        {
          streamId: streams.agent('a'),
          expectedRevision: revision,
          events: [
            toNewEvent(
              { type: 'agent.presence_changed', data: { agentId: 'a', status: 'offline' }, at: engine.clock.now() },
              OPERATOR,
              {},
            ),
          ],
        },
      ]),
    );

    // The first append lost; the second decision saw the agent signed out and refused before appending.
    await expect(
      commands.execute({ type: 'pick', conversationId: 'c2', agentId: 'a' }, byAgent('a')),
    ).rejects.toMatchObject({
      kind: 'not_allowed',
      message: expect.stringContaining('offline'),
    });
    expect(attempts).toHaveLength(1);
    await expect(engine.store.readStream(streams.conversation('c2'))).resolves.toHaveLength(1);
  });

  it('gives up with a conflict when another writer wins every time, having written nothing', async () => {
    const { wrapped } = interceptedStore(engine.store);
    const always: EventStore = {
      ...wrapped,
      append: async (requests) => {
        const [{ streamId, expectedRevision }] = requests;
        throw new WrongExpectedRevisionError(streamId, expectedRevision, 99);
      },
    };
    const commands = new ConversationCommands(always, new StreamCache(always), engine.clock);
    await expect(commands.execute({ type: 'pick', conversationId: 'c1', agentId: 'a' }, byAgent('a'))).rejects.toThrow(
      /too many concurrent changes, try again/,
    );
    await expect(engine.store.readStream(streams.conversation('c1'))).resolves.toHaveLength(1);
  });
});

describe('the next command on a stream decides while the previous append is made durable', () => {
  let engine: TestEngine;

  beforeEach(async () => {
    engine = startEngine();
    await engine.config.configureQueue('q', 'Queue', OPERATOR);
    await engine.config.configureWorkstream(WS.id, WS, OPERATOR);
    await signIn(engine, 'a', 5, ['q']);
    await signIn(engine, 'b', 5, ['q']);
    await Promise.all(['c1', 'c2'].map((id) => requestIn(engine, id, WS, 'q')));
  });

  afterEach(() => engine.close());

  /** Appends wait for `open()`; `refuse` makes the store refuse those it matches, as if another writer won. */
  const heldStore = (refuse: (requests: AppendRequest[]) => boolean = () => false) => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const calls: AppendRequest[][] = [];
    const arrivals: (() => void)[] = [];
    const store: EventStore = {
      ...interceptedStore(engine.store).wrapped,
      // The embedded store's order, held up: pipelined appends are sent before the ones they build on are durable.
      appendsInOrder: true,
      append: async (requests) => {
        calls.push(requests);
        arrivals.splice(0).forEach((arrived) => arrived());
        await opened;
        if (refuse(requests)) throw new WrongExpectedRevisionError(requests[0].streamId, 0, 1);
        return engine.store.append(requests);
      },
    };
    const nextAppend = () => new Promise<void>((resolve) => arrivals.push(resolve));
    return { store, calls, open, nextAppend };
  };

  const holds = async (agentId: string) =>
    (await engine.store.readStream(streams.agent(agentId)))
      .filter((e) => e.type === 'agent.capacity_held')
      .map((e) => e.data.conversationId);

  it('two picks by one agent are both appended before the first is durable, and both hold', async () => {
    const held = heldStore();
    const commands = new ConversationCommands(held.store, new StreamCache(engine.store), engine.clock);
    const first = commands.execute({ type: 'pick', conversationId: 'c1', agentId: 'a' }, byAgent('a'));
    await held.nextAppend();
    const second = commands.execute({ type: 'pick', conversationId: 'c2', agentId: 'a' }, byAgent('a'));
    await held.nextAppend();
    expect(held.calls).toHaveLength(2);
    held.open();
    await expect(Promise.all([first, second])).resolves.toMatchObject([
      { statusReason: 'active' },
      { statusReason: 'active' },
    ]);
    expect(await holds('a')).toEqual(['c1', 'c2']);
  });

  it('when the first append fails, the one decided on it fails too and both are decided again', async () => {
    let refused = 0;
    const held = heldStore(() => refused++ === 0);
    const commands = new ConversationCommands(held.store, new StreamCache(engine.store), engine.clock);
    const first = commands.execute({ type: 'pick', conversationId: 'c1', agentId: 'a' }, byAgent('a'));
    await held.nextAppend();
    const second = commands.execute({ type: 'pick', conversationId: 'c2', agentId: 'a' }, byAgent('a'));
    await held.nextAppend();
    held.open();
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    expect((await holds('a')).sort()).toEqual(['c1', 'c2']);
    expect(held.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('a refusal decided on an append that then failed is decided again', async () => {
    const held = heldStore((requests) => requests.some((r) => r.streamId === streams.agent('a')));
    const cache = new StreamCache(engine.store);
    const commands = new ConversationCommands(held.store, cache, engine.clock);
    const waiting = new Promise<void>((resolve) => {
      const settled = cache.settled.bind(cache);
      jest.spyOn(cache, 'settled').mockImplementation(() => {
        resolve();
        return settled();
      });
    });
    const byA = commands.execute({ type: 'pick', conversationId: 'c1', agentId: 'a' }, byAgent('a'));
    await held.nextAppend();
    // Decided on c1 picked by a (not durable yet): refused, and waiting to know whether that pick holds.
    const byB = commands.execute({ type: 'pick', conversationId: 'c1', agentId: 'b' }, byAgent('b'));
    await waiting;
    held.open();
    // a's pick never lands (another writer keeps winning on a's stream); b's, decided again, does.
    await expect(byB).resolves.toMatchObject({ statusReason: 'active' });
    await expect(byA).rejects.toThrow();
    expect([await holds('a'), await holds('b')]).toEqual([[], ['c1']]);
  });
});
