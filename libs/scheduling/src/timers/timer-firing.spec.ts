import { ConversationCommand } from '#domain';
import { ProjectionRunner, TimerQueries } from '#read-models';
import { TimerFiring } from './timer-firing';

const NOW = '2026-11-23T10:00:00.000Z';
const due = ['c1', 'c2', 'c3'].map((conversationId) => ({ conversationId, kind: 'expireOffer', dueAt: NOW }));

describe('TimerFiring', () => {
  it('ends the pass under way after the command in flight once stopped (a clean shutdown)', async () => {
    const sent: ConversationCommand[] = [];
    const firing: TimerFiring = new TimerFiring(
      { now: () => NOW },
      { dueTimers: () => due } as unknown as TimerQueries,
      { position: 0, waitFor: async () => true } as unknown as ProjectionRunner,
      async (command) => {
        sent.push(command);
        firing.stop();
        return { conversationId: command.conversationId, statusReason: 'open', position: 1, events: [] };
      },
      (error) => {
        throw error;
      },
    );

    await firing.fireDue();

    expect(sent.map((command) => command.conversationId)).toEqual(['c1']);
  });
});
