import { streams } from '#domain';
import { EventStore } from '#event-store';
import { Db } from '../database';
import { auditEntry } from './projection';
import { AuditEntry } from './view';

type Reference = [position: number, streamId: string | null, revision: number | null];

/** What HTTP readers (and replay) ask of the audit: a conversation's trail, oldest first. */
export class AuditQueries {
  private readonly trail;

  constructor(
    db: Db,
    private readonly store: EventStore,
  ) {
    this.trail = db
      .prepare<[string], Reference>(
        'SELECT position, stream_id, revision FROM audit WHERE conversation_id = ? ORDER BY position',
      )
      .raw();
  }

  /**
   * The events the audit refers to, read from the store: the conversation's stream at once, each event of another
   * stream by its revision. Only those the read model has reached: the store may already hold newer ones.
   */
  async auditTrail(conversationId: string): Promise<AuditEntry[]> {
    const references = this.trail.all(conversationId);
    if (references.length === 0) return [];
    const positions = new Set(references.map(([position]) => position));
    const [own, ...others] = await Promise.all([
      this.store.readStream(streams.conversation(conversationId)),
      ...references.flatMap(([, streamId, revision]) =>
        streamId === null ? [] : [this.store.readStream(streamId, revision!, 1)],
      ),
    ]);
    return [...own.filter((event) => positions.has(event.position)), ...others.flat()]
      .sort((a, b) => a.position - b.position)
      .map(auditEntry);
  }
}
