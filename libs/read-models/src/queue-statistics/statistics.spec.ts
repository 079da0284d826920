import Database from 'better-sqlite3';
import { StoredEvent } from '#event-store';
import { AgentStatisticsQueries } from '../agent-statistics';
import { ProjectionSet } from '../projection-set';
import { compareReadModels } from '../replay/compare';
import { allProjections } from '../read-models';
import { QueueStatisticsQueries } from './queries';

/**
 * The statistics projections on hand-made event histories, in an in-memory read-model database (no event
 * store, no files): service level, average speed to answer, longest wait, counts and the hour's history.
 */

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const SETTINGS = {
  distribution: 'pick',
  capacityUnits: 1,
  wrapUpCapacityBlock: 'always',
  keepSameAgent: false,
  agentDisconnectTimeoutSeconds: 60,
  waitingInactivityTimeoutSeconds: 3600,
  offerTimeoutSeconds: 30,
  autoCloseSeconds: {},
};

/** Events as the store would hold them, positions in order. */
class History {
  readonly events: StoredEvent[] = [];

  private add(streamId: string, type: string, data: Record<string, unknown>, seconds: number, statusReason?: string) {
    const position = this.events.length + 1;
    this.events.push({
      streamId,
      revision: 0,
      position,
      eventId: `e${position}`,
      type,
      data,
      metadata: {
        actor: { kind: 'system', id: 'test' },
        occurredAt: at(seconds),
        at: at(seconds),
        schemaVersion: 1,
        ...(statusReason && { statusReason }),
      },
      recordedAt: at(seconds),
    });
    return this;
  }

  queue(queueId: string) {
    return this.add(`queue-${queueId}`, 'queue.configured', { queueId, name: `Queue ${queueId}` }, 0);
  }

  requested(id: string, queueId: string, seconds: number, thresholdSeconds?: number) {
    const settings = { ...SETTINGS, ...(thresholdSeconds && { serviceLevelThresholdSeconds: thresholdSeconds }) };
    const customer = { id: 'cust', authenticated: true };
    const data = { conversationId: id, channel: 'live_chat', workstreamId: 'ws', queueId, customer, settings };
    return this.add(`conversation-${id}`, 'conversation.requested', data, seconds, 'open');
  }

  happened(id: string, type: string, seconds: number, statusReason: string, data: Record<string, unknown> = {}) {
    return this.add(
      `conversation-${id}`,
      `conversation.${type}`,
      { conversationId: id, ...data },
      seconds,
      statusReason,
    );
  }

  picked = (id: string, seconds: number) => this.happened(id, 'picked', seconds, 'active', { agentId: 'a1', units: 1 });
  assigned = (id: string, seconds: number) =>
    this.happened(id, 'assigned', seconds, 'active', { agentId: 'a1', units: 1 });

  agent(agentId: string, seconds: number) {
    return this.add(
      `agent-${agentId}`,
      'agent.configured',
      { agentId, name: agentId, capacityUnits: 3, queueIds: [] },
      seconds,
    );
  }

  presence(agentId: string, status: string, seconds: number) {
    return this.add(`agent-${agentId}`, 'agent.presence_changed', { agentId, status }, seconds);
  }
}

/** Projects `events` in batches of `batchSize` into a fresh database. */
const project = (events: StoredEvent[], batchSize = events.length) => {
  const db = new Database(':memory:');
  const set = new ProjectionSet(db, allProjections);
  for (let i = 0; i < events.length; i += batchSize) set.apply(events.slice(i, i + batchSize));
  return db;
};
const statistics = (h: History) => new QueueStatisticsQueries(project(h.events));
const queue = (h: History, queueId: string, nowSeconds: number) =>
  statistics(h)
    .queues(at(nowSeconds))
    .find((q) => q.queueId === queueId)!;

describe('queue statistics', () => {
  // c1 answered in 10 s, c2 in 30 s, c3 abandoned while waiting, c4 still waiting since 10:02.
  const busyQueue = (thresholdSeconds?: number) =>
    new History()
      .queue('q1')
      .requested('c1', 'q1', 0, thresholdSeconds)
      .requested('c2', 'q1', 0, thresholdSeconds)
      .picked('c1', 10)
      .assigned('c2', 30)
      .requested('c3', 'q1', 60, thresholdSeconds)
      .happened('c3', 'abandoned', 65, 'closed', { how: 'ended' })
      .requested('c4', 'q1', 120, thresholdSeconds);

  it('service level is the share assigned within 20 s among those assigned or abandoned while waiting', () => {
    expect(queue(busyQueue(), 'q1', 180)).toEqual({
      queueId: 'q1',
      name: 'Queue q1',
      waiting: 1,
      longestWaitSeconds: 60,
      estimatedWaitSeconds: 20,
      assigned: 2,
      abandoned: 1,
      averageSpeedToAnswerSeconds: 20,
      assignedWithinThreshold: 1,
      serviceLevel: 0.333,
    });
  });

  it("uses the workstream's own threshold when it sets one", () => {
    expect(queue(busyQueue(30), 'q1', 180)).toMatchObject({ assignedWithinThreshold: 2, serviceLevel: 0.667 });
  });

  it('counts only the last 15 minutes, cut at the time asked', () => {
    // At 10:15:20 the answer of 10:00:10 is out of the window, the one of 10:00:30 still in.
    expect(queue(busyQueue(), 'q1', 15 * 60 + 20)).toMatchObject({
      assigned: 1,
      averageSpeedToAnswerSeconds: 30,
      assignedWithinThreshold: 0,
      abandoned: 1,
      serviceLevel: 0,
      longestWaitSeconds: 15 * 60 + 20 - 120,
    });
    expect(queue(busyQueue(), 'q1', 17 * 60)).toMatchObject({
      assigned: 0,
      abandoned: 0,
      averageSpeedToAnswerSeconds: null,
      serviceLevel: null,
    });
  });

  it('longest wait restarts when an offer is rejected and follows a transfer to another queue', () => {
    const h = new History()
      .queue('q1')
      .queue('q2')
      .requested('c1', 'q1', 0)
      .requested('c2', 'q1', 30)
      .assigned('c1', 40)
      .happened('c1', 'assignment_rejected', 50, 'open', { agentId: 'a1', reason: 'rejected' })
      .picked('c2', 60)
      .happened('c2', 'transferred_to_queue', 70, 'open', { fromAgentId: 'a1', fromQueueId: 'q1', toQueueId: 'q2' });
    expect(queue(h, 'q1', 100)).toMatchObject({ waiting: 1, longestWaitSeconds: 50, assigned: 2 });
    expect(queue(h, 'q2', 100)).toMatchObject({ waiting: 1, longestWaitSeconds: 30, assigned: 0 });
  });

  it('an empty queue has no longest wait', () => {
    const h = new History().queue('q1').requested('c1', 'q1', 0).picked('c1', 5);
    expect(queue(h, 'q1', 10)).toMatchObject({ waiting: 0, longestWaitSeconds: null });
  });
});

describe('conversation counts', () => {
  it('counts each status reason, with active offers not yet accepted apart', () => {
    const h = new History()
      .queue('q1')
      .requested('c1', 'q1', 0)
      .requested('c2', 'q1', 0)
      .requested('c3', 'q1', 0)
      .requested('c4', 'q1', 0)
      .assigned('c1', 5)
      .assigned('c2', 5)
      .happened('c2', 'accepted', 6, 'active', { agentId: 'a1' })
      .picked('c3', 7)
      .happened('c3', 'ended', 8, 'wrap_up', { agentId: 'a1', endedBy: 'agent' })
      .happened('c3', 'closed', 9, 'closed', { reason: 'wrap_up_completed' });
    expect(statistics(h).conversationCounts()).toEqual({
      byStatusReason: { open: 1, active: 1, wrap_up: 0, waiting: 0, closed: 1 },
      activeNotAccepted: 1,
    });
  });
});

describe('the last hour', () => {
  const h = new History()
    .queue('q1')
    .requested('c1', 'q1', 0)
    .requested('c2', 'q1', 70)
    .picked('c1', 130)
    .requested('c3', 'q1', 140)
    .picked('c3', 145);

  it('gives waiting at the end of each minute and the service level of the 15 minutes ending then', () => {
    const { minutes, queues } = statistics(h).queueHistory(at(170));
    expect(minutes).toHaveLength(60);
    expect(minutes.slice(-4)).toEqual(['2026-11-21T09:59', '2026-11-21T10:00', '2026-11-21T10:01', '2026-11-21T10:02']);
    expect(queues[0].waiting.slice(-4)).toEqual([0, 1, 2, 1]);
    // 10:02: c1 answered after 130 s, c3 after 5 s.
    expect(queues[0].serviceLevel.slice(-4)).toEqual([null, null, null, 0.5]);
  });

  it('lets the answers of 10:02 leave the trailing window 15 minutes later', () => {
    const { minutes, queues } = statistics(h).queueHistory(at(170 + 15 * 60));
    expect(minutes.slice(-16, -14)).toEqual(['2026-11-21T10:02', '2026-11-21T10:03']);
    expect(queues[0].serviceLevel.slice(-16)).toEqual([0.5, ...new Array(14).fill(0.5), null]);
    expect(queues[0].waiting.slice(-16)).toEqual(new Array(16).fill(1));
  });
});

describe('agent statistics', () => {
  it('tells how long each agent has had their presence', () => {
    const h = new History()
      .agent('a1', 0)
      .presence('a1', 'available', 10)
      .presence('a1', 'available', 50)
      .agent('a2', 20);
    const s = new AgentStatisticsQueries(project(h.events));
    expect(s.presenceCounts()).toEqual({ available: 1, busy: 0, away: 0, offline: 1 });
    const page = s.agents(at(100), { limit: 1 });
    expect(page).toMatchObject({
      total: 2,
      nextCursor: 'a1',
      items: [{ agentId: 'a1', presence: 'available', presenceSince: at(10), presenceSeconds: 90, totalUnits: 3 }],
    });
    expect(s.agents(at(100), { limit: 1, cursor: 'a1' })).toMatchObject({
      nextCursor: null,
      items: [{ agentId: 'a2', presence: 'offline', presenceSeconds: 80 }],
    });
  });
});

describe('replay', () => {
  it('builds the same statistics whatever the batches, old facts dropped after two hours', () => {
    const h = new History()
      .queue('q1')
      .requested('c1', 'q1', 0)
      .picked('c1', 10)
      .requested('c2', 'q1', 20)
      .happened('c2', 'abandoned', 30, 'closed', { how: 'disconnected' })
      .requested('c3', 'q1', 3 * 3600)
      .picked('c3', 3 * 3600 + 5);
    const whole = project(h.events);
    expect(compareReadModels(whole, project(h.events, 1))).toEqual([]);
    expect(compareReadModels(whole, project(h.events, 4))).toEqual([]);
    expect(whole.prepare('SELECT queue_id AS queueId, at FROM stat_answers').all()).toEqual([
      { queueId: 'q1', at: at(3 * 3600 + 5) },
    ]);
    expect(whole.prepare('SELECT COUNT(*) AS n FROM stat_abandons').get()).toEqual({ n: 0 });
  });
});
