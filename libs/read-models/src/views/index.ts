/**
 * The read models' view types, alone: what the HTTP answers carry. Pages (apps/dashboard-web) and the OpenAPI
 * description take their types from here, so a field renamed in a read model fails their build. Types only:
 * nothing here loads the database.
 */
export type { AgentStatistics, PresenceCounts } from '../agent-statistics/view';
export type { CapacityHoldView, CapacityView } from '../agents/view';
export type { AuditEntry } from '../audit/view';
export type { ConversationView, OpenConversationView } from '../conversations/view';
export type { ConversationHolder } from '../holders/view';
export type { Page } from '../paging';
export type { StatusBucket } from '../queue-statistics/tracking';
export type { ConversationCounts, QueueHistory, QueueStatistics } from '../queue-statistics/view';
export type { TranscriptMessage } from '../transcript/view';
