import { StatusReason } from '#domain';

export interface QueueStatistics {
  queueId: string;
  name: string;
  /** Open conversations in the queue now. */
  waiting: number;
  /** How long the longest-waiting open conversation has waited; null when none waits. */
  longestWaitSeconds: number | null;
  /** Average of the last assigned live chats' waits (as `GET /queues/{id}/open` gives it); null before any. */
  estimatedWaitSeconds: number | null;
  /** Conversations that left the queue to an agent (picked or assigned) in the window. */
  assigned: number;
  /** Customers who left (T3 while waiting, T13 during an offer) in the window. */
  abandoned: number;
  /** Mean wait of the conversations assigned in the window; null when none. */
  averageSpeedToAnswerSeconds: number | null;
  assignedWithinThreshold: number;
  /** assignedWithinThreshold / (assigned + abandoned while waiting) in the window, 0..1; null when both are 0. */
  serviceLevel: number | null;
}

export interface QueueHistory {
  queueId: string;
  /** Conversations waiting at the end of each minute. */
  waiting: number[];
  /** Service level over the 15 minutes ending with each minute; null where nothing was assigned or abandoned. */
  serviceLevel: (number | null)[];
}

export interface ConversationCounts {
  /** Conversations per status reason; `active` counts the accepted ones only. */
  byStatusReason: Record<StatusReason, number>;
  /** Active conversations offered to an agent who has not accepted yet. */
  activeNotAccepted: number;
}
