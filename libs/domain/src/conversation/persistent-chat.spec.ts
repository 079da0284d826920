/** Persistent chat: an authenticated customer, and only the agent can end it. */
import {
  ANONYMOUS,
  CUSTOMER,
  customerDisconnect,
  customerEnd,
  customerLeft,
  given,
  historyIn,
  offeredOn,
  request,
  requested,
} from '../testing';

describe('the customer must be authenticated', () => {
  it('an unauthenticated persistent chat is refused (400 customer.authenticated)', () => {
    given().when(request('persistent_chat', ANONYMOUS)).thenInvalid('customer.authenticated');
  });

  it('an authenticated one is requested, with keep-same-agent from its workstream', () => {
    given()
      .when(request('persistent_chat', CUSTOMER))
      .then([requested('persistent_chat')])
      .andStatus('open')
      .andState({ settings: expect.objectContaining({ keepSameAgent: true }) });
  });

  it('a live chat may be anonymous', () => {
    given()
      .when(request('live_chat', ANONYMOUS))
      .then([requested('live_chat', {}, ANONYMOUS)])
      .andStatus('open');
  });
});

describe("the customer's End or disconnect never ends it: recorded, status unchanged", () => {
  describe.each([
    ['ends', customerEnd, 'ended'],
    ['disconnects', customerDisconnect, 'disconnected'],
  ] as const)('the customer %s', (_, command, how) => {
    it.each(['open', 'active', 'waiting', 'wrap_up'] as const)('in %s', (status) => {
      given(...historyIn(status, 'persistent_chat'))
        .when(command())
        .then([customerLeft(how)])
        .andStatus(status);
    });

    it('before the agent accepted (no T13)', () => {
      given(...offeredOn('persistent_chat'))
        .when(command())
        .then([customerLeft(how)])
        .andStatus('active')
        .andFree('a1', 2);
    });
  });
});
