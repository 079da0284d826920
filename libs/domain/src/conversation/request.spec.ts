/** A customer reaches out: the conversation is open in its queue, with the workstream's settings of that moment. */
import { ALL, CUSTOMER, DAY, MIN, given, openOn, request, requested, workstreamFor } from '../testing';

describe('request → open', () => {
  it.each(ALL)('%s', (channel) => {
    given()
      .when(request(channel))
      .then([requested(channel)])
      .andStatus('open')
      .andState({ queueId: 'q1', accepted: false, openedAt: '2026-11-21T10:01:00.000Z' });
  });

  it('keeps a snapshot of the settings, with the auto-close defaults and overrides resolved', () => {
    const workstream = workstreamFor('sms', { capacityUnits: 3, autoCloseSeconds: { open: 10 * MIN } });
    given()
      .when(request('sms'), { workstream })
      .then([
        {
          type: 'conversation.requested',
          data: {
            conversationId: 'c1',
            channel: 'sms',
            workstreamId: 'ws-sms',
            queueId: 'q1',
            customer: CUSTOMER,
            settings: {
              distribution: 'push',
              capacityUnits: 3,
              wrapUpCapacityBlock: 'always',
              keepSameAgent: false,
              agentDisconnectTimeoutSeconds: 60,
              waitingInactivityTimeoutSeconds: 3600,
              offerTimeoutSeconds: 30,
              autoCloseSeconds: { open: 10 * MIN, wrap_up: DAY },
            },
          },
        },
      ]);
  });

  it('an unknown workstream: not_found', () => {
    given().when(request('sms'), { workstream: null }).thenThrows('not_found');
  });

  it('an unknown queue: not_found', () => {
    given()
      .when(request('sms', CUSTOMER, 'q9'))
      .thenThrows('not_found');
  });

  it("a channel other than the workstream's: invalid channel", () => {
    given()
      .when(request('sms'), { workstream: workstreamFor('voice') })
      .thenInvalid('channel');
  });

  it('twice: 409 naming its status', () => {
    given(...openOn('sms'))
      .when(request('sms'))
      .thenThrows('not_allowed', 'open');
  });
});
