/** The holders projection: every agent who holds or once held a conversation (what lets an agent read it). */
import { DomainEvent } from '#domain';
import {
  Unstamped,
  accepted,
  agentWrote,
  assigned,
  assignmentRejected,
  available,
  closed,
  ended,
  held,
  parked,
  picked,
  requested,
  resumed,
  transferredToAgent,
} from '#domain/testing';
import { project, stored } from '../testing';
import { holdersProjection } from './projection';

const projected = (...events: Unstamped<DomainEvent>[]) => project(holdersProjection, stored(events));

it('an agent who picked it holds it, and still did once it is closed', () => {
  const { query } = projected(requested('sms'), picked('a1'), ended('a1'), closed('wrap_up_completed', 'a1'));
  expect([query.heldBy('c1', 'a1'), query.heldBy('c1', 'a2'), query.heldBy('c-other', 'a1')]).toEqual([
    true,
    false,
    false,
  ]);
});

it('an offer counts, even one rejected: the agent was given it', () => {
  const { query } = projected(requested('sms'), assigned('a1'), assignmentRejected('a1', 'rejected'));
  expect(query.heldBy('c1', 'a1')).toBe(true);
});

it('a transfer adds the agent it goes to; the one before keeps having held it', () => {
  const { query } = projected(requested('sms'), assigned('a1'), accepted('a1'), transferredToAgent('a1', 'a2'));
  expect([query.heldBy('c1', 'a1'), query.heldBy('c1', 'a2')]).toEqual([true, true]);
});

it('resuming a parked persistent chat adds the agent who resumed it', () => {
  const { query } = projected(requested('persistent_chat'), picked('a1'), parked('a1'), resumed('a2'));
  expect(query.heldBy('c1', 'a2')).toBe(true);
});

it('capacity, messages and presence name agents but give no conversation', () => {
  const { query, rows } = projected(...available('a3'), requested('sms'), held('a3', 2), agentWrote('a3'));
  expect(query.heldBy('c1', 'a3')).toBe(false);
  expect(rows('SELECT * FROM conversation_holders')).toEqual([]);
});
