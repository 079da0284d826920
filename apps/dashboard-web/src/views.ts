/** What the service answers (README "Supervisor's live view"): the read models' own view types. */
import type {
  AgentStatistics,
  AuditEntry,
  ConversationCounts,
  ConversationView,
  Page,
  PresenceCounts,
  QueueStatistics,
  TranscriptMessage,
} from '#read-models/views';

export type { AuditEntry, Page, QueueStatistics };
export type Agent = AgentStatistics;
export type Conversation = ConversationView;
export type Message = TranscriptMessage;

/** What each message of `GET /statistics/stream` carries. */
export interface Update {
  position: number;
  at: string;
  queues: QueueStatistics[];
  conversations: ConversationCounts;
  agents: PresenceCounts;
  changed: { conversationIds: string[]; agentIds: string[]; truncated: boolean };
}

/** One item of `POST /supervisor/bulk`'s answer. */
export interface BulkItem {
  conversationId: string;
  status: number;
  statusReason?: string;
  error?: string;
}
