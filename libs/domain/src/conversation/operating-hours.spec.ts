/** Outside operating hours a live chat is refused; a persistent chat is accepted and waits in its queue. */
import { DomainError } from '../shared/errors';
import { OperatingHours } from '../workstream/settings';
import { given, request, requested, workstreamFor } from '../testing';
import { decideConversation } from './decide';

/** Weekdays 09:00–17:00 in Copenhagen (CET in November: UTC+1). */
const HOURS: OperatingHours = {
  timeZone: 'Europe/Copenhagen',
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', to: '17:00' })),
};
const MONDAY_09_00 = '2026-11-23T08:00:00.000Z';
const MONDAY_08_59 = '2026-11-23T07:59:00.000Z';
const MONDAY_17_00 = '2026-11-23T16:00:00.000Z';
const SATURDAY_NOON = '2026-11-21T11:00:00.000Z';

const refusal = (channel: 'live_chat' | 'persistent_chat', now: string): DomainError => {
  const context = {
    agents: new Map(),
    workstream: workstreamFor(channel, { operatingHours: HOURS }),
    queueIds: new Set(['q1']),
  };
  try {
    const decided = decideConversation(request(channel), context, now);
    throw new Error(`expected the request to be refused, but it decided ${JSON.stringify(decided)}`);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
};

describe('live chat', () => {
  it.each([
    ['Monday 08:59', MONDAY_08_59],
    ['Monday 17:00', MONDAY_17_00],
    ['Saturday noon', SATURDAY_NOON],
  ])('outside operating hours (%s): refused, the customer is told no live agent is available', (_when, now) => {
    const error = refusal('live_chat', now);
    expect(error.kind).toBe('not_allowed');
    expect(error.message).toMatch(/no live agent is available/);
  });

  it.each([
    ['Monday 09:00', MONDAY_09_00],
    ['Monday 16:59', '2026-11-23T15:59:00.000Z'],
  ])('inside operating hours (%s): accepted, open', (_when, now) => {
    given()
      .when(request('live_chat'), { workstream: workstreamFor('live_chat', { operatingHours: HOURS }), now })
      .then([requested('live_chat', { operatingHours: HOURS })])
      .andStatus('open');
  });

  it('without operating hours: accepted at any time', () => {
    given()
      .when(request('live_chat'), { now: SATURDAY_NOON })
      .then([requested('live_chat')])
      .andStatus('open');
  });
});

describe('persistent chat', () => {
  it.each([
    ['Monday 08:59', MONDAY_08_59],
    ['Saturday noon', SATURDAY_NOON],
  ])('outside operating hours (%s): accepted, stays open', (_when, now) => {
    given()
      .when(request('persistent_chat'), {
        workstream: workstreamFor('persistent_chat', { operatingHours: HOURS }),
        now,
      })
      .then([requested('persistent_chat', { operatingHours: HOURS })])
      .andStatus('open')
      .andNo('primaryAgentId', 'capacityHolder');
  });

  it('inside operating hours: accepted, open', () => {
    given()
      .when(request('persistent_chat'), {
        workstream: workstreamFor('persistent_chat', { operatingHours: HOURS }),
        now: MONDAY_09_00,
      })
      .then([requested('persistent_chat', { operatingHours: HOURS })])
      .andStatus('open');
  });
});
