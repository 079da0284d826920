import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { conversation, requested, scenario, send, uniqueId } from '../support/fixtures';

/**
 * docs/decisions.md, "Time": a channel event's `occurredAt` is recorded on what it causes, but the conversation's
 * times are the service clock's (a late event does not open a conversation in the past).
 */

let app: AppProcess;

beforeAll(async () => (app = await AppProcess.start()));
afterAll(() => stopAndClean(app));

it('a conversation requested with an occurredAt a day old opens now, and its audit trail keeps both times', async () => {
  const s = await scenario(app);
  const conversationId = uniqueId('conv');
  const dayOld = new Date(Date.now() - 86_400_000).toISOString();
  const before = Date.now();
  const position = await send(app, { ...requested(conversationId, s), occurredAt: dayOld });

  const view = await conversation(app, conversationId, position);
  expect(Date.parse(view.openedAt)).toBeGreaterThanOrEqual(before - 1000);
  const events = expectStatus(
    await app.get<{ type: string; occurredAt: string; at: string }[]>(`/conversations/${conversationId}/events`, {
      minPosition: position,
    }),
    200,
  );
  expect(events.length).toBeGreaterThan(0);
  for (const event of events) {
    expect(event.occurredAt).toBe(dayOld);
    expect(event.at).toBe(view.openedAt);
  }
});
