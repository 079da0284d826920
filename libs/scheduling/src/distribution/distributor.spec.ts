/**
 * The distributor's in-memory bookkeeping around a pass, with read models and a command path that are stand-ins:
 * what it assumes while assignments are under way, and what it undoes when one fails.
 */
import { ConversationCommand, ConversationState, DomainError } from '#domain';
import { DistributionReads, Queued } from '#read-models';
import { ManualClock } from '#clock';
import { Candidate } from '#domain';
import { Distributor } from './distributor';

const waiting = (id: string, queuedPosition: number): Queued => ({
  state: {
    id,
    queueId: 'q1',
    workstreamId: 'ws',
    settings: { capacityUnits: 1, keepSameAgent: false },
  } as unknown as ConversationState,
  queuedPosition,
});

const agent = (id: string, capacityUnits: number): Candidate => ({
  agent: { id, name: id, capacityUnits, queueIds: ['q1'], presence: 'available', holds: {} },
  lastAssignedPosition: 0,
});

describe('a pass', () => {
  it('an agent whose second assignment of a pass failed keeps the round-robin place of their first', async () => {
    const open = new Map(['c1', 'c2', 'c3'].map((id, i) => [id, waiting(id, i + 1)]));
    const readModels = {
      openPushConversations: () => [...open.values()],
      openPushConversation: (id: string) => open.get(id),
      signedInAgents: () => [agent('a1', 2), agent('a2', 2)],
      workstream: () => undefined,
    } as unknown as DistributionReads;
    const sent: string[] = [];
    let failC3 = true;
    const positions: Record<string, number> = { c1: 10, c2: 11, c3: 12 };
    const send = async (command: ConversationCommand) => {
      const { conversationId, agentId } = command as { conversationId: string; agentId: string };
      sent.push(`${conversationId}→${agentId}`);
      if (conversationId === 'c3' && failC3) {
        failC3 = false;
        throw new DomainError('not_allowed', 'picked meanwhile');
      }
      open.delete(conversationId);
      return { conversationId, statusReason: 'active', position: positions[conversationId], events: [] };
    };
    const errors: unknown[] = [];
    const distributor = new Distributor(new ManualClock('2026-11-23T10:00:00.000Z'), readModels, send, (e) =>
      errors.push(e),
    );
    distributor.start();

    // Equally free, never assigned: a1 (lower id), then a2, then a1 again, the freest in round-robin order.
    expect(await distributor.distribute()).toBe(11);
    expect(sent).toEqual(['c1→a1', 'c2→a2', 'c3→a1']);
    expect(errors).toHaveLength(1);

    // c3 is still open. a1 (last assigned at 10) and a2 (at 11) have one unit each: a1 is next in turn.
    expect(await distributor.distribute()).toBe(12);
    expect(sent.slice(3)).toEqual(['c3→a1']);
  });

  it('one agent’s assignments go out in order, every agent’s at once', async () => {
    const open = new Map(['c1', 'c2', 'c3', 'c4'].map((id, i) => [id, waiting(id, i + 1)]));
    const readModels = {
      openPushConversations: () => [...open.values()],
      openPushConversation: (id: string) => open.get(id),
      signedInAgents: () => [agent('a1', 2), agent('a2', 2)],
      workstream: () => undefined,
    } as unknown as DistributionReads;
    const inFlight = new Map<string, number>();
    let most = 0;
    const releases: (() => void)[] = [];
    const send = async (command: ConversationCommand) => {
      const { conversationId, agentId } = command as { conversationId: string; agentId: string };
      inFlight.set(agentId, (inFlight.get(agentId) ?? 0) + 1);
      most = Math.max(most, ...inFlight.values());
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight.set(agentId, inFlight.get(agentId)! - 1);
      return { conversationId, statusReason: 'active', position: 1, events: [] };
    };
    const distributor = new Distributor(new ManualClock('2026-11-23T10:00:00.000Z'), readModels, send, () => {});
    distributor.start();
    const pass = distributor.distribute();
    // Both agents' first assignments are under way together; their second ones wait for them.
    await new Promise((resolve) => setImmediate(resolve));
    expect(releases).toHaveLength(2);
    while (releases.length) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await pass;
    expect(most).toBe(1);
  });
});
