/** The conversations projection: current state per conversation, open work per queue, timers, queue waits. */
import { DomainEvent } from '#domain';
import {
  Fact,
  HOUR,
  MIN,
  Unstamped,
  accepted,
  assigned,
  at,
  closed,
  ended,
  later,
  picked,
  requested,
  returnedToQueue,
  T0,
} from '#domain/testing';
import { project, stored } from '../testing';
import { conversationsProjection } from './projection';

const projected = (...events: Unstamped<DomainEvent>[]) => project(conversationsProjection, stored(events));

/** The same facts about another conversation than `c1`. */
const about = (conversationId: string, ...facts: Fact[]): Fact[] =>
  facts.map((f) => ({ ...f, data: { ...f.data, conversationId } }) as Fact);

describe('the contract view of a conversation', () => {
  it('a request: open in its queue, nobody holds it', () => {
    expect(projected(requested('sms')).query.conversation('c1')).toEqual({
      id: 'c1',
      channel: 'sms',
      workstreamId: 'ws-sms',
      queueId: 'q1',
      customerId: 'cust-1',
      state: 'open',
      statusReason: 'open',
      primaryAgentId: null,
      accepted: false,
      openedAt: T0,
      updatedAt: T0,
      closedAt: null,
    });
  });

  it('a pick: active with its agent, accepted, found by agent; no longer open work', () => {
    const { query } = projected(requested('sms'), ...at(later(MIN), picked('a1')));
    expect(query.conversation('c1')).toMatchObject({
      statusReason: 'active',
      primaryAgentId: 'a1',
      accepted: true,
      updatedAt: later(MIN),
    });
    expect(query.conversations({ agentId: 'a1' }).map((c) => c.id)).toEqual(['c1']);
    expect(query.openWorkPage('q1', { limit: -1 }).items).toEqual([]);
  });

  it('closed: state closed, with when', () => {
    const { query } = projected(
      requested('sms'),
      picked('a1'),
      ended('a1'),
      ...at(later(HOUR), closed('wrap_up_completed', 'a1')),
    );
    expect(query.conversation('c1')).toMatchObject({ state: 'closed', statusReason: 'closed', closedAt: later(HOUR) });
    expect(query.conversations({ statusReason: 'closed' }).map((c) => c.id)).toEqual(['c1']);
  });

  it('an unknown conversation has no view', () => {
    expect(projected(requested('sms')).query.conversation('c9')).toBeUndefined();
  });
});

describe('open work per queue, in arrival order', () => {
  it('arrival is when it last entered open: a conversation handed back queues behind those waiting', () => {
    const { query } = projected(
      requested('sms'),
      ...about('c2', requested('sms')),
      picked('a1'),
      returnedToQueue('a1', 'released'),
    );
    expect(query.openWorkPage('q1', { limit: -1 }).items.map((w) => w.state.id)).toEqual(['c2', 'c1']);
  });
});

describe('timers: the deadlines the state implies', () => {
  const timers = (...events: Unstamped<DomainEvent>[]) =>
    projected(...events).rows('SELECT conversation_id AS id, kind, due_at AS dueAt FROM timers ORDER BY kind');

  it('an offer waits for acceptance for the offer timeout (30 s here)', () => {
    expect(timers(requested('sms'), assigned('a1'))).toEqual([{ id: 'c1', kind: 'expireOffer', dueAt: later(30) }]);
  });

  it('accepting it cancels the offer timer', () => {
    expect(timers(requested('sms'), assigned('a1'), accepted('a1'))).toEqual([]);
  });

  it('an open live chat auto-closes after 20 minutes', () => {
    expect(timers(requested('live_chat'))).toEqual([{ id: 'c1', kind: 'autoClose', dueAt: later(20 * MIN) }]);
  });
});

describe('queue waits of live chats', () => {
  it('the estimate is the average of the waits from queued to assigned', () => {
    const { query } = projected(
      requested('live_chat'),
      ...about('c2', requested('live_chat')),
      ...at(later(60), picked('a1')),
      ...about('c2', ...at(later(120), picked('a2'))),
    );
    expect(query.averageWait('q1')).toBe(90);
  });

  it('other channels do not count', () => {
    expect(projected(requested('sms'), ...at(later(60), picked('a1'))).query.averageWait('q1')).toBeUndefined();
  });
});

it('the rows are the same whether the events come in one batch or one at a time', () => {
  const events = stored([
    requested('sms'),
    ...about('c2', requested('live_chat')),
    assigned('a1'),
    accepted('a1'),
    ...about('c2', ...at(later(45), picked('a2'))),
    ended('a1'),
  ]);
  const tables = (batchSize: number) => {
    const { rows } = project(conversationsProjection, events, batchSize);
    return ['conversations', 'timers', 'queue_waits'].map((table) => rows(`SELECT * FROM ${table} ORDER BY 1, 2`));
  };
  expect(tables(1)).toEqual(tables(events.length));
});
