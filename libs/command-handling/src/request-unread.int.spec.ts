import { DomainError, Workstream, streams } from '#domain';
import { Cause } from './cause';
import { OPERATOR, TestEngine, requestIn, signIn, startEngine, workstream } from './testing/engine';

/** Issue 23: a request is decided on its conversation as new without reading it; `no_stream` confirms it. */
const WS: Workstream = { id: 'ws', ...workstream({ channel: 'live_chat', distribution: 'pick' }) };
const fromChannel = (eventId: string): Cause => ({ actor: 'customer', causationId: eventId });

let engine: TestEngine;

beforeEach(async () => {
  engine = startEngine();
  await engine.config.configureQueue('q', 'Queue', OPERATOR);
  await engine.config.configureWorkstream(WS.id, WS, OPERATOR);
  await signIn(engine, 'a', 4, ['q']);
});

afterEach(() => engine.close());

const request = (conversationId: string, cause?: Cause) =>
  engine.send(
    {
      type: 'request',
      conversationId,
      channel: WS.channel,
      workstreamId: WS.id,
      queueId: 'q',
      customer: { id: `cust-${conversationId}`, authenticated: true },
    },
    cause,
  );

/** The streams read from the store while `work` runs. */
const readsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
  const read = jest.spyOn(engine.store, 'readStream');
  try {
    await work();
    return read.mock.calls.map(([streamId]) => streamId);
  } finally {
    read.mockRestore();
  }
};

const conversationEvents = (id: string) => engine.store.readStream(streams.conversation(id));

it('decides a new conversation without reading it, and its next command without reading it either', async () => {
  const reads = await readsDuring(async () => {
    const requested = await requestIn(engine, 'c1', WS, 'q');
    expect(requested).toMatchObject({ statusReason: 'open', events: [{ type: 'conversation.requested' }] });
    await engine.send({ type: 'pick', conversationId: 'c1', agentId: 'a' });
  });
  expect(reads).not.toContain(streams.conversation('c1'));
  expect((await conversationEvents('c1')).map((e) => e.type)).toEqual([
    'conversation.requested',
    'conversation.picked',
  ]);
});

it('hands its locks over once the append is queued: a pick sent at once is decided on the foreseen state', async () => {
  const append = jest.spyOn(engine.store, 'append');
  const [requested, picked] = await Promise.all([
    requestIn(engine, 'c1', WS, 'q'),
    engine.send({ type: 'pick', conversationId: 'c1', agentId: 'a' }),
  ]);
  expect(requested.events).toHaveLength(1);
  expect(picked.statusReason).toBe('active');
  expect(append).toHaveBeenCalledTimes(2);
});

it('refuses a request on a conversation the cache lost after reading it: the append found the stream', async () => {
  await requestIn(engine, 'c1', WS, 'q');
  // Evicted, or written before this process started: the cache no longer holds it.
  engine.cache.forget(streams.conversation('c1'));
  let refusal: unknown;
  const reads = await readsDuring(() => requestIn(engine, 'c1', WS, 'q').catch((error) => (refusal = error)));
  expect(refusal).toBeInstanceOf(DomainError);
  expect((refusal as DomainError).message).toMatch(/already exists/);
  expect(reads).toContain(streams.conversation('c1'));
  expect(await conversationEvents('c1')).toHaveLength(1);
});

it('refuses as before when the decision on the unread conversation is a refusal, reading it once', async () => {
  const refused = () =>
    engine.send({
      type: 'request',
      conversationId: 'c1',
      channel: WS.channel,
      workstreamId: 'nowhere',
      queueId: 'q',
      customer: { id: 'cust', authenticated: true },
    });
  const first = await readsDuring(() => expect(refused()).rejects.toThrow(/workstream 'nowhere'/));
  expect(first).toContain(streams.conversation('c1'));
  // Read empty, the stream is remembered so: the same refusal again reads nothing.
  expect(await readsDuring(() => expect(refused()).rejects.toThrow(/workstream 'nowhere'/))).toEqual([]);
  expect(await conversationEvents('c1')).toEqual([]);
});

describe('a redelivered request', () => {
  it('is a duplicate with the first answer while the cache holds its conversation', async () => {
    const first = await request('c1', fromChannel('e-1'));
    const again = await request('c1', fromChannel('e-1'));
    expect(again).toEqual({
      conversationId: 'c1',
      statusReason: 'open',
      position: first.position,
      duplicate: true,
      events: [],
    });
  });

  it('is a duplicate with the first answer once the cache lost its conversation: decided again on a read', async () => {
    const first = await request('c1', fromChannel('e-1'));
    engine.cache.forget(streams.conversation('c1'));
    const again = await request('c1', fromChannel('e-1'));
    expect(again).toEqual({
      conversationId: 'c1',
      statusReason: 'open',
      position: first.position,
      duplicate: true,
      events: [],
    });
    expect(await conversationEvents('c1')).toHaveLength(1);
  });

  it('naming another conversation is a duplicate and creates nothing', async () => {
    await request('c1', fromChannel('e-1'));
    const elsewhere = await request('c2', fromChannel('e-1'));
    expect(elsewhere).toMatchObject({ duplicate: true, events: [] });
    expect(await conversationEvents('c2')).toEqual([]);
  });
});
