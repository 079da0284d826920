import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from 'kafkajs';
import { SqliteEventStore } from '#event-store';
import { PARTITION_COUNT, partitionOf } from '#scheduling';
import { PartitionCheckpoints, SqliteCheckpointStore } from './checkpoint-store';
import { keyOf } from './conversation-event-message';
import { ConversationEventPublisher } from './conversation-event-publisher';
import { Backoff } from './backoff';
import { RecordSender } from './serial-producer';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Acknowledges sends, except the ones it is told to fail. */
class FakeSender implements RecordSender {
  readonly sent: { topic: string; ids: string[] }[] = [];
  failures = 0;
  async send(topic: string, messages: Message[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('broker down');
    }
    this.sent.push({ topic, ids: messages.map((m) => JSON.parse(m.value as string).eventId) });
  }
  get ids(): string[] {
    return this.sent.flatMap((s) => s.ids);
  }
}

const waitFor = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('ConversationEventPublisher', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    counts.clear();
    dir = mkdtempSync(join(tmpdir(), 'publisher-'));
    store = new SqliteEventStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = new Map<string, number>();
  const append = async (conversationId: string, n: number) => {
    for (let k = 0; k < n; k++) {
      const i = counts.get(conversationId) ?? 0;
      counts.set(conversationId, i + 1);
      await store.append([
        {
          streamId: `conversation-${conversationId}`,
          expectedRevision: 'any',
          events: [
            {
              eventId: `${conversationId}-${i}`,
              type: 'conversation.customer_message',
              data: { conversationId, text: `m${i}` },
              metadata: {
                actor: { kind: 'customer', id: 'x' },
                occurredAt: new Date().toISOString(),
                at: new Date().toISOString(),
                schemaVersion: 1,
              },
            },
          ],
        },
      ]);
    }
  };

  it('publishes in store order, retries failed sends, and checkpoints only what was acknowledged', async () => {
    await append('a', 3);
    await append('b', 2);
    const sender = new FakeSender();
    sender.failures = 2;
    const checkpoints = new SqliteCheckpointStore(dir);
    const publisher = new ConversationEventPublisher({
      store,
      checkpoints,
      producer: sender,
      logger: quiet,
      maxRequestCount: 2,
      backoff: new Backoff(1, 5),
    });
    publisher.start();
    await waitFor(() => sender.ids.length === 5);
    expect(sender.ids).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1']);
    expect(sender.sent.map((s) => s.ids.length)).toEqual([2, 2, 1]);
    expect(sender.sent.every((s) => s.topic === 'omnichannel.conversation-events.v1')).toBe(true);
    const head = await store.headPosition();
    await waitFor(() => publisher.position === head);
    expect(checkpoints.load('omnichannel.conversation-events.v1')).toBe(head);

    // Live: appended later, published after.
    await append('a', 1);
    await waitFor(() => sender.ids.length === 6);
    await publisher.stop();
    checkpoints.close();
  });

  it('resumes after its checkpoint on restart', async () => {
    await append('a', 2);
    const first = new FakeSender();
    let checkpoints = new SqliteCheckpointStore(dir);
    let publisher = new ConversationEventPublisher({ store, checkpoints, producer: first, logger: quiet });
    publisher.start();
    await waitFor(() => first.ids.length === 2 && publisher.position === 2);
    await publisher.stop();
    checkpoints.close();

    await append('a', 1);
    const second = new FakeSender();
    checkpoints = new SqliteCheckpointStore(dir);
    publisher = new ConversationEventPublisher({ store, checkpoints, producer: second, logger: quiet });
    publisher.start();
    await waitFor(() => second.ids.length === 1);
    expect(second.ids).toEqual(['a-2']);
    await publisher.stop();
    checkpoints.close();
  });

  it('does not move the checkpoint while the broker is down, and stops without waiting for it', async () => {
    await append('a', 1);
    const sender = new FakeSender();
    sender.failures = Number.MAX_SAFE_INTEGER;
    const checkpoints = new SqliteCheckpointStore(dir);
    const publisher = new ConversationEventPublisher({
      store,
      checkpoints,
      producer: sender,
      logger: quiet,
      backoff: new Backoff(1, 5),
    });
    publisher.start();
    await waitFor(() => publisher.error !== undefined);
    expect(publisher.healthy).toBe(false);
    expect(publisher.position).toBe(0);
    await publisher.stop();
    expect(checkpoints.load('omnichannel.conversation-events.v1')).toBeUndefined();
    checkpoints.close();
  });
});

describe('ConversationEventPublisher sharing the partitions (several instances)', () => {
  let dir: string;
  let store: SqliteEventStore;
  /** The group's checkpoints: what each partition's owner last saved. */
  const saved = new Map<number, number>();
  /** While set, saves are refused, as the coordinator refuses a member of a generation that has passed. */
  let refusing = false;
  const partitionCheckpoints = (): PartitionCheckpoints => ({
    load: async (partitions) => new Map(partitions.filter((p) => saved.has(p)).map((p) => [p, saved.get(p)!])),
    save: async (checkpoints) => {
      if (refusing) throw new Error('The coordinator is not aware of this member');
      for (const [p, position] of checkpoints) saved.set(p, position);
    },
    holds: () => true,
  });
  const publishers: ConversationEventPublisher[] = [];
  const sharing = (sender: RecordSender, maxRequestCount = 500) => {
    const publisher = new ConversationEventPublisher({
      store,
      partitions: partitionCheckpoints(),
      producer: sender,
      logger: quiet,
      maxRequestCount,
      backoff: new Backoff(1, 5),
    });
    publishers.push(publisher);
    publisher.start();
    return publisher;
  };

  beforeEach(() => {
    saved.clear();
    refusing = false;
    seq = 0;
    dir = mkdtempSync(join(tmpdir(), 'publisher-shared-'));
    store = new SqliteEventStore(dir);
  });
  afterEach(async () => {
    for (const publisher of publishers.splice(0)) await publisher.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const conversations = Array.from({ length: 40 }, (_, i) => `c${i}`);
  const half = (lower: boolean) => Array.from({ length: PARTITION_COUNT }, (_, p) => p).filter((p) => p < 32 === lower);
  let seq = 0;
  const appendRound = async (ids = conversations) => {
    for (const conversationId of ids)
      await store.append([
        {
          streamId: `conversation-${conversationId}`,
          expectedRevision: 'any',
          events: [event(`${conversationId}-${seq++}`, { conversationId })],
        },
      ]);
  };
  /** Every stored event's id by key, in store order. */
  const storedByKey = async () => {
    const byKey = new Map<string, string[]>();
    for (const e of await store.readAll(0, 100_000)) byKey.set(keyOf(e), [...(byKey.get(keyOf(e)) ?? []), e.eventId]);
    return byKey;
  };

  it('each publishes only the keys of its own partitions, and between them every event once, in order per key', async () => {
    const lower = new KeyedSender();
    const upper = new KeyedSender();
    sharing(lower, 7).assign(half(true));
    sharing(upper, 7).assign(half(false));
    await appendRound();
    // An agent's own event (no conversation) is published by the owner of the agent's partition.
    await store.append([{ streamId: 'agent-a1', expectedRevision: 'any', events: [event('a1-0', { agentId: 'a1' })] }]);
    await appendRound();
    const stored = await storedByKey();
    const total = [...stored.values()].reduce((n, ids) => n + ids.length, 0);
    await waitFor(() => lower.records.length + upper.records.length === total);
    for (const r of lower.records) expect(partitionOf(r.key)).toBeLessThan(32);
    for (const r of upper.records) expect(partitionOf(r.key)).toBeGreaterThanOrEqual(32);
    for (const [key, ids] of stored) expect([...lower.idsOf(key), ...upper.idsOf(key)]).toEqual(ids);
    expect(upper.idsOf('agent-a1').length + lower.idsOf('agent-a1').length).toBe(1);
  });

  it('hands partitions over: the new owner resumes from their checkpoints, nothing skipped, in order per key', async () => {
    const first = new KeyedSender();
    const a = sharing(first, 5);
    a.assign(half(true).concat(half(false)));
    await appendRound();
    await waitFor(() => first.records.length === conversations.length && a.position === seq);
    // A stops publishing the upper half before B starts it; what A read since is left to B.
    a.assign(half(true));
    await appendRound();
    const second = new KeyedSender();
    const b = sharing(second, 5);
    b.assign(half(false));
    await appendRound();
    const stored = await storedByKey();
    await waitFor(() =>
      [...stored].every(([key, ids]) => new Set([...first.idsOf(key), ...second.idsOf(key)]).size === ids.length),
    );
    for (const [key, ids] of stored) {
      const published = [...first.idsOf(key), ...second.idsOf(key)];
      // First occurrences in store order; A had stopped the upper half before B took it: not one duplicate.
      expect([...new Set(published)]).toEqual(ids);
      expect(published.length).toBe(ids.length);
    }
    for (const r of second.records) expect(partitionOf(r.key)).toBeGreaterThanOrEqual(32);
    await waitFor(() => b.position === seq);
    for (const p of half(false)) expect(saved.get(p)).toBe(seq);
  });

  it('a gained partition behind the others is read again from its own checkpoint, once for all', async () => {
    const sender = new KeyedSender();
    const publisher = sharing(sender);
    publisher.assign(half(true));
    await appendRound();
    await waitFor(() => publisher.position === seq);
    // Nobody published the upper half yet: gaining it, the publisher goes back to the store's start for it alone.
    publisher.assign(half(true).concat(half(false)));
    const stored = await storedByKey();
    await waitFor(() => sender.records.length === conversations.length);
    for (const [key, ids] of stored) expect(sender.idsOf(key)).toEqual(ids);
    expect(publisher.partitions).toHaveLength(PARTITION_COUNT);
  });

  // Found by the three-instance suite: an instance resumed after a pause stayed unhealthy (503) with its new share.
  it('a save refused to a former generation leaves it unhealthy only until its next assignment', async () => {
    const sender = new KeyedSender();
    const publisher = sharing(sender);
    publisher.assign(half(true));
    refusing = true;
    await appendRound();
    await waitFor(() => publisher.error !== undefined);
    expect(publisher.healthy).toBe(false);
    refusing = false;
    publisher.assign(half(false));
    expect(publisher.healthy).toBe(true);
    await waitFor(() => sender.records.some((r) => partitionOf(r.key) >= 32));
    expect(publisher.healthy).toBe(true);
  });

  it('owning nothing, it publishes nothing and stays healthy; released, it saved what it sent', async () => {
    const sender = new KeyedSender();
    const publisher = sharing(sender);
    await appendRound();
    expect(publisher.healthy).toBe(true);
    publisher.assign(half(true));
    await waitFor(() => publisher.position === seq);
    await publisher.release();
    await appendRound();
    expect(publisher.partitions).toEqual([]);
    for (const p of half(true)) expect(saved.get(p)).toBe(seq - conversations.length);
    expect(sender.records.every((r) => partitionOf(r.key) < 32)).toBe(true);
  });
});

/** Acknowledges every send; remembers each record's key and event id. */
class KeyedSender implements RecordSender {
  readonly records: { key: string; eventId: string }[] = [];
  async send(_topic: string, messages: Message[]): Promise<void> {
    for (const m of messages) this.records.push({ key: String(m.key), eventId: JSON.parse(m.value as string).eventId });
  }
  idsOf(key: string): string[] {
    return this.records.filter((r) => r.key === key).map((r) => r.eventId);
  }
}

const event = (eventId: string, data: Record<string, unknown>) => ({
  eventId,
  type: data.conversationId ? 'conversation.customer_message' : 'agent.signed_in',
  data,
  metadata: {
    actor: { kind: 'system' as const, id: 'test' },
    occurredAt: new Date().toISOString(),
    at: new Date().toISOString(),
    schemaVersion: 1,
  },
});
