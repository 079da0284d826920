import { Db } from '../database';
import { AuditEntry } from './view';

/** What HTTP readers (and replay) ask of the audit: a conversation's trail, oldest first. */
export class AuditQueries {
  private readonly trail;

  constructor(db: Db) {
    this.trail = db.prepare('SELECT event FROM audit WHERE conversation_id = ? ORDER BY position');
  }

  auditTrail(conversationId: string): AuditEntry[] {
    return (this.trail.all(conversationId) as { event: string }[]).map((r) => JSON.parse(r.event) as AuditEntry);
  }
}
