import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from 'kafkajs';
import { ConversationEventRecord, TOPICS } from '#kafka';
import { TestDatabase, createTestDatabase } from '#postgres/testing';
import { partitionOf } from '#scheduling';
import { BROKERS, TopicReader, ensureServiceTopics, sockets, testKafka } from '../kafka/kafka-harness';
import { AppProcess, HttpResponse, expectStatus, pollUntil } from '../support/app-process';
import {
  Route,
  Scenario,
  createAgent,
  createQueue,
  createWorkstream,
  scenario,
  startConversation,
  uniqueId,
} from '../support/fixtures';

/**
 * Issue 19: three instances as separate processes on one PostgreSQL store and one Kafka broker, the 64 work
 * partitions shared out by Kafka's consumer-group protocol (docs/instances.md). Push routing with 2 s offer timeouts
 * keeps every instance's timers and distribution busy while one is killed, all are restarted one by one, and one is
 * paused. Throughout: nothing acknowledged is lost, no agent is above capacity, no timer is applied twice.
 */

const INSTANCES = 3;
const FAILOVER_BOUND_MS = 15_000;
const QUEUES = 6;
const OFFER_TIMEOUT_MS = 2_000;
/** The outbox's produce request holds at most this many events: a hand-over repeats at most one (docs/instances.md). */
const OUTBOX_REQUEST_EVENTS = 500;

let db: TestDatabase;
let admin: Admin;
let reader: TopicReader;
const kafka = testKafka('instances-test');
const run = randomUUID().slice(0, 8);
const apps: AppProcess[] = [];
const routes: Scenario[] = [];
/** Every conversation an instance acknowledged (202), with the position it answered. */
const acknowledged = new Map<string, number>();
let head = 0;
/** A SIGSTOP'd instance still "runs" but never answers: clients (like a balancer's health check) leave it out. */
const paused = new Set<AppProcess>();
const live = () => apps.filter((a) => a.running && !paused.has(a));

const env = (i: number) => ({
  OMNICHANNEL_POSTGRES_URL: db.url,
  KAFKA_BROKERS: BROKERS.join(','),
  KAFKA_CONSUMER_GROUP: `instances-${run}`,
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  OMNICHANNEL_PARTITION_GROUP: `instances-${run}-partitions`,
  OMNICHANNEL_INSTANCE_ID: `instance-${i}`,
});

interface Health {
  instanceId: string;
  ownedPartitions: number[];
}

const health = async (app: AppProcess): Promise<Health | undefined> => {
  if (!app.running) return undefined;
  const response = await app.get<Health>('/health').catch(() => undefined);
  return response?.status === 200 ? response.body : undefined;
};

/** Resolves once the live instances own the 64 partitions between them, each exactly once. */
const settled = (live: AppProcess[], timeoutMs = 30_000) =>
  pollUntil(
    `${live.length} instance(s) to share the 64 partitions`,
    async () => {
      const shares = await Promise.all(live.map(health));
      if (shares.some((s) => !s)) return undefined;
      const all = shares.flatMap((s) => s!.ownedPartitions);
      return all.length === 64 && new Set(all).size === 64 ? shares.map((s) => s!) : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );

/** A request to a live instance; a refused connection or a stopping instance is tried on the next one (a balancer). */
const anyInstance = async <T>(attempt: (app: AppProcess) => Promise<HttpResponse<T>>): Promise<HttpResponse<T>> => {
  let last: unknown;
  for (let round = 0; round < 20; round++)
    for (const app of live()) {
      try {
        const response = await attempt(app);
        if (response.status !== 503) return response;
        last = response.body;
      } catch (error) {
        last = error;
      }
    }
  throw new Error(`no instance answered: ${String(last)}`);
};

let intake = 0;
/** Intake spread over the instances (round robin); every 202 is remembered. */
const openConversation = async (id = uniqueId('conv')): Promise<void> => {
  const route = routes[intake % routes.length];
  const app = apps[intake++ % apps.length];
  const target = live().includes(app) ? app : live()[0];
  if (!target) throw new Error('no instance is running');
  try {
    const { position } = await startConversation(target, route, id);
    acknowledged.set(id, position);
    head = Math.max(head, position);
  } catch {
    // Refused (the instance died under the request): not acknowledged, so nothing was promised.
  }
};

interface Trail {
  type: string;
  position: number;
  data: Record<string, unknown>;
  eventId: string;
  at: string;
}

const trail = async (conversationId: string): Promise<Trail[]> =>
  expectStatus(
    await anyInstance((app) => app.get<Trail[]>(`/conversations/${conversationId}/events`, { minPosition: head })),
    200,
  );

/** No agent above capacity; every agent's used units are what it holds; nothing acknowledged is missing. */
const checkInvariants = async (): Promise<void> => {
  for (const route of routes)
    for (const agentId of route.agentIds) {
      const c = expectStatus(
        await anyInstance((app) => app.get(`/agents/${agentId}/capacity`, { minPosition: head })),
        200,
      );
      expect(c.usedUnits).toBeLessThanOrEqual(c.totalUnits);
      expect(c.usedUnits).toBe(c.holds.reduce((sum: number, h: { units: number }) => sum + h.units, 0));
    }
  for (const id of acknowledged.keys()) {
    const events = await trail(id);
    expect(events[0]?.type).toBe('conversation.requested');
    // A timer applied twice would reject one offer twice: rejections never outnumber the offers.
    const offers = events.filter((e) => e.type === 'conversation.assigned').length;
    const rejected = events.filter((e) => e.type === 'conversation.assignment_rejected').length;
    expect(rejected).toBeLessThanOrEqual(offers);
  }
};

/**
 * Who owned each work partition, as the instances' /health said, polled through a phase: the hand-overs across which
 * the outbox may publish an event twice. A change seen twice (a stale answer in between) only loosens the bound.
 */
class OwnershipWatch {
  readonly handovers = new Map<number, number>();
  private readonly owners = new Map<number, string>();
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();

  /**
   * Resolves once every live instance has answered: the owners before the phase are known, so a hand-over away from
   * an instance killed right after is still counted.
   */
  static async start(): Promise<OwnershipWatch> {
    const watch = new OwnershipWatch();
    await pollUntil(
      'every live instance to report its partitions',
      async () => {
        const shares = await Promise.all(live().map(health));
        if (shares.some((s) => !s)) return undefined;
        watch.record(shares);
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    watch.loop = watch.poll();
    return watch;
  }

  async stop(): Promise<Map<number, number>> {
    this.stopped = true;
    await this.loop;
    return this.handovers;
  }

  private record(shares: (Health | undefined)[]): void {
    for (const share of shares)
      for (const p of share?.ownedPartitions ?? []) {
        const before = this.owners.get(p);
        if (before !== undefined && before !== share!.instanceId)
          this.handovers.set(p, (this.handovers.get(p) ?? 0) + 1);
        this.owners.set(p, share!.instanceId);
      }
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, 100));
      this.record(await Promise.all(live().map(health)));
    }
  }
}

/** The outbound records as read (the reader follows only the conversation-events topic). */
const outbound = (): ConversationEventRecord[] =>
  reader.records.map((r) => JSON.parse(r.value!.toString('utf8')) as ConversationEventRecord);

const keyOf = (r: ConversationEventRecord) => r.conversationId ?? r.streamId;

/** Waits until every stored event of the acknowledged conversations is on Kafka. */
const allPublished = async (): Promise<void> => {
  const stored = new Map<string, Trail[]>();
  for (const id of acknowledged.keys()) stored.set(id, await trail(id));
  await pollUntil(
    'every stored event of the acknowledged conversations on Kafka',
    () => {
      const ids = new Set(outbound().map((r) => r.eventId));
      return [...stored.values()].every((events) => events.every((e) => ids.has(e.eventId))) ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
};

/**
 * The outbox's duplicates among the records read since `from` (the phase's start), counted by event id. Each must
 * come from a hand-over of its work partition (the partition of its key): per hand-over, at most the one produce
 * request that was in flight, so at most 500 events and one contiguous run of the partition's events in store order.
 */
const duplicatesOfPhase = (from: number, handovers: Map<number, number>): number => {
  const records = outbound();
  const seen = new Set(records.slice(0, from).map((r) => r.eventId));
  const duplicated = new Map<number, Set<number>>();
  let count = 0;
  for (const r of records.slice(from)) {
    if (seen.has(r.eventId)) {
      const p = partitionOf(keyOf(r));
      duplicated.set(p, (duplicated.get(p) ?? new Set()).add(r.position));
      count++;
    }
    seen.add(r.eventId);
  }
  const byPartition = new Map<number, number[]>();
  for (const r of records) {
    const p = partitionOf(keyOf(r));
    if (duplicated.has(p)) byPartition.set(p, [...(byPartition.get(p) ?? []), r.position]);
  }
  for (const [p, positions] of duplicated) {
    const moved = handovers.get(p) ?? 0;
    expect({ partition: p, handedOver: moved > 0 }).toEqual({ partition: p, handedOver: true });
    expect(positions.size).toBeLessThanOrEqual(moved * OUTBOX_REQUEST_EVENTS);
    // Runs of duplicated events in the partition's store order: one per hand-over at most.
    const order = [...new Set(byPartition.get(p))].sort((a, b) => a - b);
    const runs = order.filter((position, i) => positions.has(position) && !positions.has(order[i - 1])).length;
    expect(runs).toBeLessThanOrEqual(moved);
  }
  return count;
};

beforeAll(async () => {
  db = await createTestDatabase('instances');
  admin = kafka.admin();
  await admin.connect();
  await ensureServiceTopics(admin);
  reader = await TopicReader.start(kafka, admin, [TOPICS.conversationEvents]);
  for (let i = 0; i < INSTANCES; i++) dataDirs.push(mkdtempSync(join(tmpdir(), `omnichannel-instance-${i}-`)));
  apps.push(...(await Promise.all(Array.from({ length: INSTANCES }, (_, i) => start(i)))));
  for (let q = 0; q < QUEUES; q++)
    routes.push(
      await scenario(apps[q % INSTANCES], {
        workstream: { distribution: 'push', offerTimeoutSeconds: 2 },
        agents: 2,
        agentCapacity: 2,
      }),
    );
}, 120_000);

const dataDirs: string[] = [];
/** Instance i, on its own data directory (kept across its restarts: its read models resume from their checkpoint). */
const start = async (i: number) => {
  const app = await AppProcess.start({ dataDir: dataDirs[i], env: env(i), healthDeadlineMs: 60_000 });
  dataDirs[i] = app.dataDir;
  return app;
};

afterAll(async () => {
  for (const app of apps) {
    if (!app.running) continue;
    // A paused instance cannot act on SIGTERM: resume it first.
    process.kill(app.pid!, 'SIGCONT');
    await app.kill9().catch(() => undefined);
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  await reader?.stop();
  await admin?.disconnect();
  sockets.destroyAll();
  await db?.drop();
}, 60_000);

it('shares the 64 partitions out among the three instances, each a part, none twice', async () => {
  const shares = await settled(apps);
  expect(shares.map((s) => s.instanceId).sort()).toEqual(['instance-0', 'instance-1', 'instance-2']);
  for (const share of shares) expect(share.ownedPartitions.length).toBeGreaterThan(0);
});

/**
 * A queue whose partition `owner` owns now, its agents away: conversations wait there until the agents come.
 * Conversations of one workstream in one queue wait for the same agents, so they must be assigned oldest first.
 */
const heldQueue = async (owner: number[], units: number) => {
  let queueId = uniqueId('held');
  while (!owner.includes(partitionOf(queueId))) queueId = uniqueId('held');
  await createQueue(apps[0], queueId);
  const workstreamId = await createWorkstream(apps[0], { distribution: 'push', offerTimeoutSeconds: 600 });
  const agentIds = [
    await createAgent(apps[0], { capacityUnits: units / 2, queueIds: [queueId], presence: 'away' }),
    await createAgent(apps[0], { capacityUnits: units / 2, queueIds: [queueId], presence: 'away' }),
  ];
  return { channel: 'live_chat', workstreamId, queueId, agentIds } as Route & { agentIds: string[] };
};

/** Requests on `route` through the live instances in turn; returns the acknowledged ones in the order requested. */
const requestHeld = async (route: Route, count: number, into: string[]): Promise<void> => {
  for (let i = 0; i < count; i++) {
    const targets = live();
    const target = targets[i % targets.length];
    const id = uniqueId('held-conv');
    try {
      const { position } = await startConversation(target, route, id);
      acknowledged.set(id, position);
      head = Math.max(head, position);
      into.push(id);
    } catch {
      // Not acknowledged (the instance died under it): never promised, so not in the order.
    }
  }
};

it('kill -9 of one instance mid-load: survivors decide every offer it left, oldest first, outbox duplicates only from the hand-over', async () => {
  for (let i = 0; i < 12; i++) await openConversation();
  // Offers come and expire every second on every instance.
  await pollUntil('offers expiring', async () => {
    const events = await trail([...acknowledged.keys()][0]);
    return events.some((e) => e.type === 'conversation.assignment_rejected') ? true : undefined;
  });
  const victim = apps[1];
  const before = (await health(victim))!.ownedPartitions;
  // Conversations of the victim's partitions (its timers), offered by every queue's owner: offers it must leave open.
  const victims: string[] = [];
  while (victims.length < 6) {
    const id = uniqueId('conv');
    if (before.includes(partitionOf(id))) victims.push(id);
  }
  for (const id of victims) await openConversation(id);
  const pendingOffer = (events: Trail[]) => {
    const answered = events.map((e) => e.type).lastIndexOf('conversation.assignment_rejected');
    return events.slice(answered + 1).some((e) => e.type === 'conversation.assigned');
  };
  await pollUntil('offers of the victim pending', async () => {
    let pending = 0;
    for (const id of victims) if (pendingOffer(await trail(id))) pending++;
    return pending >= 3 ? true : undefined;
  });
  // A queue of the victim's: half its conversations requested before the kill, half during the failover.
  const held = await heldQueue(before, 4);
  const heldOrder: string[] = [];
  await requestHeld(held, 5, heldOrder);
  const watch = await OwnershipWatch.start();
  const fromRecord = reader.records.length;
  const killedAt = Date.now();
  await victim.kill9();
  const load = (async () => {
    for (let i = 0; i < 6; i++) await openConversation();
    await requestHeld(held, 5, heldOrder);
  })();
  const survivors = apps.filter((a) => a.running);
  const shares = await settled(survivors, FAILOVER_BOUND_MS);
  const failoverMs = Date.now() - killedAt;
  expect(shares.flatMap((s) => s.ownedPartitions)).toEqual(expect.arrayContaining(before));
  await load;

  // Every offer of the victim's conversations still open at the kill is decided by a survivor within the bound.
  const left = await pollUntil(
    'every offer the victim left decided by a survivor',
    async () => {
      const decided: number[] = [];
      for (const id of acknowledged.keys()) {
        if (!before.includes(partitionOf(id))) continue;
        const events = await trail(id);
        for (const [i, offer] of events.entries()) {
          if (offer.type !== 'conversation.assigned' || Date.parse(offer.at) >= killedAt) continue;
          const answer = events.slice(i + 1).find((e) => e.type === 'conversation.assignment_rejected');
          if (answer && Date.parse(answer.at) < killedAt) continue;
          if (!answer) return undefined;
          decided.push(Date.parse(answer.at) - killedAt);
        }
      }
      return decided;
    },
    { timeoutMs: FAILOVER_BOUND_MS + OFFER_TIMEOUT_MS },
  );
  expect(left.length).toBeGreaterThan(0);
  for (const ms of left) expect(ms).toBeLessThan(FAILOVER_BOUND_MS);
  process.stdout.write(
    `failover: partitions reassigned in ${failoverMs} ms; ${left.length} offer(s) left by the victim decided by ${Math.max(...left)} ms\n`,
  );
  expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);

  // The held queue's new owner assigns its 4 units to the 4 oldest, whichever instance took each request.
  for (const agentId of held.agentIds)
    expectStatus(await anyInstance((app) => app.put(`/agents/${agentId}/presence`, { status: 'available' })), 200);
  const assigned = await pollUntil('the held queue distributed', async () => {
    const offered: string[] = [];
    for (const id of heldOrder) if ((await trail(id)).some((e) => e.type === 'conversation.assigned')) offered.push(id);
    return offered.length >= 4 ? offered : undefined;
  });
  expect(heldOrder.length).toBeGreaterThanOrEqual(8);
  expect(assigned).toEqual(heldOrder.slice(0, 4));

  await checkInvariants();
  apps[1] = await start(1);
  await settled(apps);
  await allPublished();
  const handovers = await watch.stop();
  const duplicates = duplicatesOfPhase(fromRecord, handovers);
  process.stdout.write(
    `outbox after kill -9: ${duplicates} duplicate record(s) over ${handovers.size} partition(s) handed over\n`,
  );
}, 120_000);

it('a rolling restart with SIGTERM, one at a time: no failed request, no lost work, a quick handover', async () => {
  const handovers: number[] = [];
  const watch = await OwnershipWatch.start();
  const fromRecord = reader.records.length;
  for (let i = 0; i < INSTANCES; i++) {
    const leaving = apps[i];
    // Intake goes on while the instance leaves: a few conversations, each to the next live instance.
    const load = (async () => {
      for (let n = 0; n < 3; n++) await openConversation();
    })();
    try {
      const stopped = leaving.stop();
      const leftAt = Date.now();
      await settled(
        apps.filter((a) => a !== leaving),
        10_000,
      );
      handovers.push(Date.now() - leftAt);
      const exit = await stopped;
      expect(exit.code).toBe(0);
      apps[i] = await start(i);
      await settled(apps);
    } finally {
      await load;
    }
  }
  process.stdout.write(`graceful handover (SIGTERM to survivors owning all): ${handovers.join(', ')} ms\n`);
  for (const ms of handovers) expect(ms).toBeLessThan(3_000 + 2_000);
  await checkInvariants();
  await allPublished();
  const moved = await watch.stop();
  const duplicates = duplicatesOfPhase(fromRecord, moved);
  process.stdout.write(
    `outbox over the rolling restart: ${duplicates} duplicate record(s) over ${moved.size} partition(s) handed over
`,
  );
}, 180_000);

it('a paused instance resumed after its partitions moved does no harm', async () => {
  const stopped = apps[2];
  process.kill(stopped.pid!, 'SIGSTOP');
  paused.add(stopped);
  try {
    await settled(live(), FAILOVER_BOUND_MS);
    for (let i = 0; i < 3; i++) await openConversation();
  } finally {
    process.kill(stopped.pid!, 'SIGCONT');
    paused.delete(stopped);
  }
  await settled(apps, 30_000);
  for (let i = 0; i < 3; i++) await openConversation();
  await checkInvariants();
}, 90_000);

it('publishes every stored event of these conversations on Kafka at least once, few duplicates', async () => {
  const sample = [...acknowledged.keys()].slice(0, 20);
  let duplicates = 0;
  for (const id of sample) {
    const stored = await trail(id);
    const published = await pollUntil(
      `the events of ${id} on Kafka`,
      () => {
        const records = reader.conversationEvents(id);
        const ids = new Set(records.map((r) => r.eventId));
        return stored.every((e) => ids.has(e.eventId)) ? records : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    duplicates += published.length - new Set(published.map((r) => r.eventId)).size;
  }
  process.stdout.write(`outbox: ${duplicates} duplicate record(s) over ${sample.length} conversations\n`);
});
