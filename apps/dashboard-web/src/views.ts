/** What the service answers (README "Supervisor's live view"): the read models' own view types. */
import type {
  AgentStatistics,
  ConversationCounts,
  ConversationView,
  PresenceCounts,
  QueueStatistics,
  TranscriptMessage,
} from '#read-models/views';

export type { AuditEntry, Page, QueueStatistics } from '#read-models/views';
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
