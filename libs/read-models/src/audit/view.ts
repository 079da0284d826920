import { StatusReason } from '#domain';

/** One entry of a conversation's audit trail (`GET /conversations/{id}/events`): the stored event, whole. */
export interface AuditEntry {
  position: number;
  eventId: string;
  streamId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  /** `role: "supervisor"` when a supervisor ordered it (then `data.supervisor` says who and why). */
  actor: { kind: string; id: string; role?: string };
  /** The channel event or command that caused it. */
  causationId?: string;
  occurredAt: string;
  at: string;
  recordedAt: string;
  /** The conversation's status reason after it (conversation events). */
  statusReason?: StatusReason;
  schemaVersion: number;
}
