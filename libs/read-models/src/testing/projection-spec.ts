/**
 * Given events, then rows: a projection spec feeds events, stored as the command path stores them, to one
 * projection on an in-memory read-model database, and reads the result through the queries or the tables.
 */
import Database from 'better-sqlite3';
import { ConversationEvent, ConversationState, DomainEvent, evolveConversation, streamOf } from '#domain';
import { T0, Unstamped } from '#domain/testing';
import { toNewEvent } from '#event-envelope';
import { Actor, EventStore, StoredEvent } from '#event-store';
import { InMemoryEventStore } from '#event-store/testing';
import { AgentQueries } from '../agents';
import { AuditQueries } from '../audit';
import { ConfigurationQueries } from '../configuration';
import { ConversationQueries, TimerQueries } from '../conversations';
import { Db } from '../database';
import { DistributionQueries } from '../distribution-queries';
import { HolderQueries } from '../holders';
import { Projection } from '../projection';
import { ProjectionSet } from '../projection-set';
import { allProjections } from '../read-models';
import { TranscriptQueries } from '../transcript';

export const ACTOR: Actor = { kind: 'agent', id: 'a1' };

/**
 * Positions 1, 2, 3… in order, revisions counted per stream; a conversation event carries the status reason
 * after it, as the command path records it. Events without `at` happen at T0.
 */
export const stored = (events: Unstamped<DomainEvent>[], actor: Actor = ACTOR): StoredEvent[] => {
  const revisions = new Map<string, number>();
  const conversations = new Map<string, ConversationState>();
  return events.map((unstamped, i) => {
    const event = { ...unstamped, at: unstamped.at ?? T0 } as DomainEvent;
    const streamId = streamOf(event);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    let statusReason: string | undefined;
    if (event.type.startsWith('conversation.')) {
      const conversation = event as ConversationEvent;
      const after = evolveConversation(conversations.get(conversation.data.conversationId), conversation);
      conversations.set(after.id, after);
      statusReason = after.status;
    }
    const { eventId, type, data, metadata } = toNewEvent(event, actor, {}, statusReason);
    return { streamId, revision, position: i + 1, eventId, type, data, metadata, recordedAt: event.at };
  });
};

/**
 * The projection after the events, applied in batches of `batchSize` (all at once by default). The other
 * projections' tables exist, empty, so every query can be prepared; `store` is where queries read the events
 * a read model refers to (the audit).
 */
export const project = (
  projection: Projection,
  events: StoredEvent[],
  batchSize = events.length,
  store: EventStore = new InMemoryEventStore(),
) => {
  const db = new Database(':memory:');
  for (const other of allProjections.filter((p) => p !== projection)) other.open(db);
  const set = new ProjectionSet(db, [projection]);
  for (let i = 0; i < events.length; i += batchSize) set.apply(events.slice(i, i + batchSize));
  return {
    query: everyQuery(db, store),
    rows: (sql: string, ...params: unknown[]) => db.prepare(sql).all(...params),
    position: set.position,
  };
};

/** Every query method of the read models a spec reads, on one object (specs only: readers get one class each). */
type Public<T> = Pick<T, keyof T>;
export type EveryQuery = Public<ConversationQueries> &
  Public<TimerQueries> &
  Public<AgentQueries> &
  Public<ConfigurationQueries> &
  Public<TranscriptQueries> &
  Public<AuditQueries> &
  Public<HolderQueries> &
  Public<DistributionQueries>;

/** `store` is where the audit reads the events it refers to (an empty one for specs that never read a trail). */
export const everyQuery = (db: Db, store: EventStore = new InMemoryEventStore()): EveryQuery => {
  const instances = [
    ConversationQueries,
    TimerQueries,
    AgentQueries,
    ConfigurationQueries,
    TranscriptQueries,
    AuditQueries,
    HolderQueries,
    DistributionQueries,
  ].map((Queries) => new Queries(db, store));
  const every: Record<string, unknown> = {};
  for (const instance of instances) {
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(instance)).filter((m) => m !== 'constructor');
    for (const m of methods)
      every[m] = (instance as unknown as Record<string, (...a: unknown[]) => unknown>)[m].bind(instance);
  }
  return every as EveryQuery;
};
