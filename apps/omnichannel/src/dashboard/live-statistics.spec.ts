import { ManualClock } from '#clock';
import { StoredEvent } from '#event-store';
import { AgentStatisticsQueries, BatchListener, ProjectionRunner, QueueStatisticsQueries } from '#read-models';
import { LiveStatistics } from './live-statistics';

/** The live stream's pacing: at once after a quiet spell, then at most one update a second; nothing for nobody. */

const event = (type: string, data: Record<string, unknown>) => ({ type, data }) as unknown as StoredEvent;

const setUp = () => {
  let onBatch: BatchListener = () => undefined;
  const runner = { position: 7, onBatch: (listener: BatchListener) => (onBatch = listener) };
  const statistics = {
    queues: jest.fn(() => []),
    conversationCounts: jest.fn(() => ({ byStatusReason: {}, activeNotAccepted: 0 })),
    presenceCounts: jest.fn(() => ({})),
  };
  const live = new LiveStatistics(
    runner as unknown as ProjectionRunner,
    statistics as unknown as QueueStatisticsQueries,
    statistics as unknown as AgentStatisticsQueries,
    new ManualClock('2026-11-21T10:00:00.000Z'),
  );
  live.onApplicationBootstrap();
  const messages: any[] = [];
  const listen = () => live.updates().subscribe((m) => messages.push(JSON.parse(m)));
  return { live, batch: (events: StoredEvent[]) => onBatch(events), statistics, messages, listen };
};

beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-21T10:00:00.000Z') }));
afterEach(() => jest.useRealTimers());

it('sends the figures at once, then changes without delay after a quiet second, at most one a second', () => {
  const { live, batch, messages, listen } = setUp();
  listen();
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({ position: 7, at: '2026-11-21T10:00:00.000Z', changed: { conversationIds: [] } });

  batch([event('conversation.requested', { conversationId: 'c1' })]);
  jest.advanceTimersByTime(0);
  expect(messages).toHaveLength(2);
  expect(messages[1].changed).toEqual({ conversationIds: ['c1'], agentIds: [], truncated: false });

  batch([event('agent.capacity_held', { agentId: 'a1', conversationId: 'c2' })]);
  batch([event('conversation.transferred_to_agent', { conversationId: 'c2', fromAgentId: 'a1', toAgentId: 'a2' })]);
  jest.advanceTimersByTime(999);
  expect(messages).toHaveLength(2);
  jest.advanceTimersByTime(1);
  expect(messages).toHaveLength(3);
  expect(messages[2].changed).toEqual({ conversationIds: ['c2'], agentIds: ['a1', 'a2'], truncated: false });
  live.onApplicationShutdown();
});

it('names up to 100 changed conversations, then says there were more', () => {
  const { live, batch, messages, listen } = setUp();
  listen();
  batch(Array.from({ length: 150 }, (_, i) => event('conversation.requested', { conversationId: `c${i}` })));
  jest.advanceTimersByTime(0);
  expect(messages[1].changed.conversationIds).toHaveLength(100);
  expect(messages[1].changed.truncated).toBe(true);
  live.onApplicationShutdown();
});

it('refreshes the figures every 5 s without events, and computes nothing while nobody listens', () => {
  const { live, statistics, messages, listen } = setUp();
  jest.advanceTimersByTime(10_000);
  expect(statistics.queues).not.toHaveBeenCalled();
  const subscription = listen();
  jest.advanceTimersByTime(5_000);
  expect(messages).toHaveLength(2);
  subscription.unsubscribe();
  jest.advanceTimersByTime(10_000);
  expect(statistics.queues).toHaveBeenCalledTimes(2);
  live.onApplicationShutdown();
});
