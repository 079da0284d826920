import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNewEvent } from '#event-envelope';
import {
  ConversationEvent,
  ConversationState,
  DomainEvent,
  agentEvent,
  conversationEvent,
  evolveConversation,
  streamOf,
} from '#domain';
import { Actor, AppendRequest, EventStore, SqliteEventStore, StoredEvent } from '#event-store';
import { allProjections, openScratchReadModelDb, rebuild } from '#read-models';
import { round } from './stats';

const AGENTS = 200;
const SETTINGS = {
  distribution: 'pick' as const,
  capacityUnits: 1,
  wrapUpCapacityBlock: 'always' as const,
  keepSameAgent: false,
  agentDisconnectTimeoutSeconds: 300,
  waitingInactivityTimeoutSeconds: 3600,
  offerTimeoutSeconds: 60,
  autoCloseSeconds: { open: 1200, wrap_up: 900 },
};

/** Nine events of one live chat's whole life, as the engine writes them. */
const lifecycle = (i: number, at: string): DomainEvent[] => {
  const conversationId = `replay-${i}`;
  const agentId = `agent-${i % AGENTS}`;
  const c = { conversationId };
  return [
    conversationEvent(
      'conversation.requested',
      {
        ...c,
        channel: 'live_chat',
        workstreamId: 'ws',
        queueId: 'q',
        customer: { id: `cust-${i}`, authenticated: false },
        settings: SETTINGS,
      },
      at,
    ),
    conversationEvent('conversation.customer_message', { ...c, text: 'Hello, my order has not arrived' }, at),
    conversationEvent('conversation.picked', { ...c, agentId, units: 1 }, at),
    agentEvent('agent.capacity_held', { agentId, conversationId, units: 1, reason: 'active' }, at),
    conversationEvent('conversation.agent_message', { ...c, agentId, text: 'Let me check that for you' }, at),
    conversationEvent('conversation.ended', { ...c, agentId, endedBy: 'agent' }, at),
    agentEvent('agent.capacity_held', { agentId, conversationId, units: 1, reason: 'wrap_up' }, at),
    conversationEvent('conversation.closed', { ...c, reason: 'wrap_up_completed', agentId }, at),
    agentEvent('agent.capacity_released', { agentId, conversationId, units: 1, reason: 'closed' }, at),
  ];
};

/** Writes about `events` events straight into a fresh store (embedded or PostgreSQL), in large atomic batches. */
export const seed = async (store: EventStore, events: number): Promise<number> => {
  const actor: Actor = { kind: 'agent', id: 'seed' };
  const at = '2026-11-21T10:00:00.000Z';
  const setup: DomainEvent[] = Array.from({ length: AGENTS }, (_, a) =>
    agentEvent(
      'agent.configured',
      { agentId: `agent-${a}`, name: `Agent ${a}`, capacityUnits: 1000, queueIds: ['q'] },
      at,
    ),
  );
  await store.append(
    setup.map((e) => ({ streamId: streamOf(e), expectedRevision: 'any', events: [toNewEvent(e, actor, {})] })),
  );
  let written = setup.length;
  for (let i = 0; written < events;) {
    const byStream = new Map<string, AppendRequest>();
    for (let n = 0; n < 1000 && written < events; n++, i++) {
      let state: ConversationState | undefined;
      for (const event of lifecycle(i, at)) {
        const streamId = streamOf(event);
        const request = byStream.get(streamId) ?? { streamId, expectedRevision: 'any' as const, events: [] };
        // Conversation events carry the status reason after them, as the command path stores them.
        const isConversation = event.type.startsWith('conversation.');
        if (isConversation) state = evolveConversation(state, event as ConversationEvent);
        request.events.push(toNewEvent(event, actor, {}, isConversation ? state!.status : undefined));
        byStream.set(streamId, request);
        written++;
      }
    }
    await store.append([...byStream.values()]);
  }
  return written;
};

/** Process CPU time (user + system, every thread) since `start`, in microseconds. */
const cpuMicros = (start: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(start);
  return user + system;
};

/** Reads the whole store in pages of 5,000 with `read`, touching each event's data and metadata. */
const timedRead = async (
  read: (after: number, maxCount: number) => Promise<StoredEvent[]>,
): Promise<{ rate: number; cpuPerEvent: number }> => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let events = 0;
  for (let position = 0; ;) {
    const batch = await read(position, 5000);
    for (const event of batch) if (event.data && event.metadata) events++;
    if (batch.length < 5000) break;
    position = batch[batch.length - 1].position;
  }
  const cpuMicrosSpent = cpuMicros(cpu);
  return { rate: events / ((performance.now() - started) / 1000), cpuPerEvent: cpuMicrosSpent / events };
};

/** Issue 5's scenario: rebuild every read model from the embedded store vs merely reading and parsing it. */
export async function replayBench(events: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'omnichannel-replay-bench-'));
  const store = new SqliteEventStore(join(dir, 'store'));
  try {
    const seedStarted = performance.now();
    const total = await seed(store, events);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const reference = await timedRead(store.readAll.bind(store));
    // What the rebuild reads with: the store's parse alone, without projecting.
    const parsedRead = await timedRead(store.readAllParsed!.bind(store));

    const db = openScratchReadModelDb(join(dir, 'rebuilt'));
    const rebuildCpu = process.cpuUsage();
    const rebuilt = await rebuild(store, db, allProjections);
    const rebuildCpuMicros = cpuMicros(rebuildCpu);
    db.close();
    const rebuildRate = rebuilt.events / rebuilt.seconds;
    const rebuildCpuPerEvent = rebuildCpuMicros / rebuilt.events;
    return {
      scenario: 'replay: rebuild every read model from the embedded store',
      events: total,
      seedEventsPerSecond: round(total / seedSeconds, 0),
      readAndParseEventsPerSecond: round(reference.rate, 0),
      rebuildEventsPerSecond: round(rebuildRate, 0),
      rebuildSeconds: round(rebuilt.seconds),
      rebuildToReadRatio: round(rebuildRate / reference.rate, 3),
      // The machine is shared: process CPU time per event is the figure that survives other load.
      readAndParseCpuMicrosPerEvent: round(reference.cpuPerEvent, 2),
      rebuildCpuMicrosPerEvent: round(rebuildCpuPerEvent, 2),
      rebuildToReadCpuRatio: round(reference.cpuPerEvent / rebuildCpuPerEvent, 3),
      parsedReadEventsPerSecond: round(parsedRead.rate, 0),
      parsedReadCpuMicrosPerEvent: round(parsedRead.cpuPerEvent, 2),
      rebuildToParsedReadRatio: round(rebuildRate / parsedRead.rate, 3),
      rebuildToParsedReadCpuRatio: round(parsedRead.cpuPerEvent / rebuildCpuPerEvent, 3),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
