/** The transcript projection: the messages of each conversation, oldest first. */
import { DomainEvent } from '#domain';
import { MIN, Unstamped, agentWrote, at, customerWrote, later, picked, requested } from '#domain/testing';
import { project, stored } from '../testing';
import { transcriptProjection } from './projection';

const projected = (...events: Unstamped<DomainEvent>[]) => project(transcriptProjection, stored(events));

it('customer and agent messages, in order, with who wrote and when; nothing else', () => {
  const { query } = projected(
    requested('persistent_chat'),
    ...at(later(MIN), customerWrote('hello')),
    picked('a1'),
    ...at(later(2 * MIN), agentWrote('a1', 'how can I help?')),
  );
  expect(query.transcript('c1')).toEqual([
    { position: 2, sender: 'customer', agentId: null, text: 'hello', at: later(MIN) },
    { position: 4, sender: 'agent', agentId: 'a1', text: 'how can I help?', at: later(2 * MIN) },
  ]);
});

it('a conversation without messages has an empty transcript', () => {
  expect(projected(requested('sms')).query.transcript('c1')).toEqual([]);
});
