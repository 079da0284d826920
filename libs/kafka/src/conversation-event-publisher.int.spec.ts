import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from 'kafkajs';
import { SqliteEventStore } from '#event-store';
import { SqliteCheckpointStore } from './checkpoint-store';
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
