import { Workstream, streams } from '#domain';
import { CHANNEL_EVENT_MARKER, channelEventStream } from '#event-envelope';
import { Cause } from './cause';
import { ConversationCommands } from './conversation-commands';
import { StreamCache } from './stream-cache';
import { OPERATOR, TestEngine, requestIn, startEngine, workstream } from './testing/engine';

/** Issue 22: a channel event's eventId is applied once in the whole store, whichever conversation it names. */
const WS: Workstream = { id: 'ws', ...workstream({ channel: 'live_chat', distribution: 'pick' }) };
const fromChannel = (eventId: string): Cause => ({ actor: 'customer', causationId: eventId });

let engine: TestEngine;

beforeEach(async () => {
  engine = startEngine();
  await engine.config.configureQueue('q', 'Queue', OPERATOR);
  await engine.config.configureWorkstream(WS.id, WS, OPERATOR);
  for (const id of ['c1', 'c2', 'c3']) await requestIn(engine, id, WS, 'q');
});

afterEach(() => engine.close());

const conversationEvents = async (id: string) => (await engine.store.readStream(streams.conversation(id))).length;

it('ignores an eventId applied to one conversation when it comes again on another', async () => {
  const first = await engine.commands.execute(
    { type: 'customerMessage', conversationId: 'c1', text: 'hello' },
    fromChannel('e-1'),
  );
  expect(first.duplicate).toBeUndefined();
  const before = await conversationEvents('c3');

  const again = await engine.commands.execute({ type: 'customerEnd', conversationId: 'c3' }, fromChannel('e-1'));

  expect(again).toMatchObject({ duplicate: true, events: [] });
  expect(await conversationEvents('c3')).toBe(before);
  const marker = await engine.store.readStream(channelEventStream('e-1'));
  expect(marker).toMatchObject([{ type: CHANNEL_EVENT_MARKER, data: { channelEventId: 'e-1', appliedTo: 'c1' } }]);
});

it('answers a duplicate, not a refusal, when the eventId would be refused on the conversation it names now', async () => {
  await engine.commands.execute({ type: 'customerMessage', conversationId: 'c1', text: 'hi' }, fromChannel('e-2'));
  const unknown = await engine.commands.execute({ type: 'customerEnd', conversationId: 'nowhere' }, fromChannel('e-2'));
  expect(unknown).toMatchObject({ duplicate: true, events: [] });
  expect(await conversationEvents('nowhere')).toBe(0);
});

it('applies an eventId once when it arrives on two conversations at the same moment, in one process or two', async () => {
  // A second command path with its own cache and locks: another process on the same store.
  const other = new ConversationCommands(engine.store, new StreamCache(engine.store), engine.clock);
  const writers = [engine.commands, other];
  for (let round = 0; round < 10; round++) {
    const eventId = `race-${round}`;
    const outcomes = await Promise.all(
      ['c1', 'c2', 'c3'].map((conversationId, n) =>
        writers[n % 2].execute({ type: 'customerMessage', conversationId, text: eventId }, fromChannel(eventId)),
      ),
    );
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    expect(await engine.store.readStream(channelEventStream(eventId))).toHaveLength(1);
  }
  const applied = await Promise.all(
    ['c1', 'c2', 'c3'].map(async (id) =>
      (await engine.store.readStream(streams.conversation(id))).filter(
        (e) => e.type === 'conversation.customer_message',
      ),
    ),
  );
  expect(applied.flat()).toHaveLength(10);
});

it('writes no marker for a command no channel event caused', async () => {
  await engine.commands.execute({ type: 'customerMessage', conversationId: 'c1', text: 'hi' }, { actor: 'customer' });
  const all = await engine.store.readAll(0, 1000);
  expect(all.filter((e) => e.type === CHANNEL_EVENT_MARKER)).toEqual([]);
});

it("answers the position of the conversation's own last event, not the marker's", async () => {
  const result = await engine.commands.execute(
    { type: 'customerMessage', conversationId: 'c1', text: 'where' },
    fromChannel('e-position'),
  );
  const events = await engine.store.readStream(streams.conversation('c1'));
  expect(events[events.length - 1].position).toBe(result.position);
});
