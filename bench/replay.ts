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
import { Actor, AppendRequest, EventStore, SqliteEventStore } from '#event-store';
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

/** Issue 5's scenario: rebuild every read model from the embedded store vs merely reading and parsing it. */
export async function replayBench(events: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'omnichannel-replay-bench-'));
  const store = new SqliteEventStore(join(dir, 'store'));
  try {
    const seedStarted = performance.now();
    const total = await seed(store, events);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const readStarted = performance.now();
    const readCpu = process.cpuUsage();
    let read = 0;
    for (let position = 0; ;) {
      const batch = await store.readAll(position, 5000);
      for (const event of batch) if (event.data && event.metadata) read++;
      if (batch.length < 5000) break;
      position = batch[batch.length - 1].position;
    }
    const readSeconds = (performance.now() - readStarted) / 1000;
    const readCpuMicros = cpuMicros(readCpu);

    const db = openScratchReadModelDb(join(dir, 'rebuilt'));
    const rebuildCpu = process.cpuUsage();
    const rebuilt = await rebuild(store, db, allProjections);
    const rebuildCpuMicros = cpuMicros(rebuildCpu);
    db.close();
    const readRate = read / readSeconds;
    return {
      scenario: 'replay: rebuild every read model from the embedded store',
      events: total,
      seedEventsPerSecond: round(total / seedSeconds, 0),
      readAndParseEventsPerSecond: round(readRate, 0),
      rebuildEventsPerSecond: round(rebuilt.events / rebuilt.seconds, 0),
      rebuildSeconds: round(rebuilt.seconds),
      rebuildToReadRatio: round(rebuilt.events / rebuilt.seconds / readRate, 3),
      // The machine is shared: process CPU time per event is the figure that survives other load.
      readAndParseCpuMicrosPerEvent: round(readCpuMicros / read, 2),
      rebuildCpuMicrosPerEvent: round(rebuildCpuMicros / rebuilt.events, 2),
      rebuildToReadCpuRatio: round(readCpuMicros / read / (rebuildCpuMicros / rebuilt.events), 3),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
