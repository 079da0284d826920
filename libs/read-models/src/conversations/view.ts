import { Channel, ConversationState, StatusReason, stateOf } from '#domain';

/** The contract's view of a conversation (`GET /conversations/{id}` and every list of conversations). */
export interface ConversationView {
  id: string;
  channel: Channel;
  workstreamId: string;
  queueId: string;
  customerId: string;
  state: 'open' | 'closed';
  statusReason: StatusReason;
  /** Null while nobody holds it; absent after a transfer to an external number. */
  primaryAgentId?: string | null;
  /** Instead of `primaryAgentId` after a transfer to an external number. */
  primaryExternalNumber?: string;
  accepted: boolean;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export const conversationView = (s: ConversationState): ConversationView => ({
  id: s.id,
  channel: s.channel,
  workstreamId: s.workstreamId,
  queueId: s.queueId,
  customerId: s.customer.id,
  state: stateOf(s.status),
  statusReason: s.status,
  ...(s.primaryExternalNumber
    ? { primaryExternalNumber: s.primaryExternalNumber }
    : { primaryAgentId: s.primaryAgentId ?? null }),
  accepted: s.accepted,
  openedAt: s.openedAt,
  updatedAt: s.updatedAt,
  closedAt: s.closedAt ?? null,
});

/** An open conversation as `GET /queues/{id}/open` lists it. */
export interface OpenConversationView extends ConversationView {
  queuedAt: string;
  /** Place in the whole queue, from 1 (not for persistent chat). */
  position?: number;
  /** Live chat only; null before any wait is known. */
  estimatedWaitSeconds?: number | null;
}
