/** What the service answers (README "Supervisor's live view"). */

export interface QueueStatistics {
  queueId: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number | null;
  estimatedWaitSeconds: number | null;
  assigned: number;
  abandoned: number;
  averageSpeedToAnswerSeconds: number | null;
  serviceLevel: number | null;
}

export interface Update {
  position: number;
  at: string;
  queues: QueueStatistics[];
  conversations: { byStatusReason: Record<string, number>; activeNotAccepted: number };
  agents: Record<string, number>;
  changed: { conversationIds: string[]; agentIds: string[]; truncated: boolean };
}

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export interface Agent {
  agentId: string;
  name: string;
  queueIds: string[];
  presence: string;
  presenceSince: string;
  totalUnits: number;
  usedUnits: number;
  freeUnits: number;
  holds: { conversationId: string; units: number; reason: string; until?: string }[];
}

export interface Conversation {
  id: string;
  channel: string;
  queueId: string;
  statusReason: string;
  accepted: boolean;
  primaryAgentId?: string | null;
  primaryExternalNumber?: string;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface AuditEntry {
  position: number;
  type: string;
  at: string;
  actor: { kind: string; id: string; role?: string };
  statusReason?: string;
  data: Record<string, unknown>;
}

export interface Message {
  sender: string;
  agentId: string | null;
  text: string;
  at: string;
}

/** One item of `POST /supervisor/bulk`'s answer. */
export interface BulkItem {
  conversationId: string;
  status: number;
  statusReason?: string;
  error?: string;
}
