import { Channel } from '../channel/channel';
import { AutoCloseSettings, WorkstreamSettings } from '../workstream/settings';

export interface Customer {
  id: string;
  authenticated: boolean;
}

/** The workstream's settings as they were when the conversation arrived: replay never depends on later edits. */
export type ConversationSettings = Omit<WorkstreamSettings, 'channel' | 'operatingHours' | 'autoCloseSeconds'> & {
  /** The channel's auto-close defaults with the workstream's overrides applied. */
  autoCloseSeconds: AutoCloseSettings;
};

export type ReturnReason = 'agent_disconnect_timeout' | 'released' | 'session_closed';
export type CloseReason = 'resolved' | 'wrap_up_completed' | 'inactivity_timeout' | 'auto_closed';
export type EndedBy = 'agent' | 'customer' | 'customer_disconnected' | 'system';

export interface ConversationEventMap {
  'conversation.requested': {
    conversationId: string;
    channel: Channel;
    workstreamId: string;
    queueId: string;
    customer: Customer;
    settings: ConversationSettings;
  };
  /** T1 */
  'conversation.picked': { conversationId: string; agentId: string; units: number };
  /** T2: offered, not yet accepted */
  'conversation.assigned': { conversationId: string; agentId: string; units: number };
  'conversation.accepted': { conversationId: string; agentId: string };
  /** A pushed assignment declined or not answered in time: back to open. */
  'conversation.assignment_rejected': { conversationId: string; agentId: string; reason: 'rejected' | 'offer_timeout' };
  /** T4, T5, T6 */
  'conversation.ended': { conversationId: string; agentId?: string; endedBy: EndedBy };
  /** T7, T8, T10 */
  'conversation.returned_to_queue': { conversationId: string; agentId: string; reason: ReturnReason };
  /** X3 (T9) */
  'conversation.transferred_to_queue': {
    conversationId: string;
    fromAgentId: string;
    fromQueueId: string;
    toQueueId: string;
  };
  /** X2 */
  'conversation.transferred_to_agent': {
    conversationId: string;
    fromAgentId: string;
    toAgentId: string;
    units: number;
  };
  /** X1 */
  'conversation.transferred_to_external': { conversationId: string; fromAgentId: string; toExternalNumber: string };
  /** T11 */
  'conversation.parked': { conversationId: string; agentId: string };
  /** T16 */
  'conversation.resumed': { conversationId: string; agentId: string; units: number };
  /** T17; `agentId` is the owner to notify (the outbound event is the notification). */
  'conversation.customer_returned': { conversationId: string; agentId?: string };
  /** T3, T13 */
  'conversation.abandoned': { conversationId: string; how: 'ended' | 'disconnected'; agentId?: string };
  /** T12, T14, T15 */
  'conversation.closed': { conversationId: string; reason: CloseReason; agentId?: string };
  /** A timed wrap-up capacity block ran out: the agent's units are free while wrap-up goes on. */
  'conversation.wrap_up_block_expired': { conversationId: string; agentId: string };
  'conversation.customer_message': { conversationId: string; text: string };
  'conversation.agent_message': { conversationId: string; agentId: string; text: string };
  /** The customer left where no transition applies (a persistent chat, a call transferred out): recorded only. */
  'conversation.customer_left': { conversationId: string; how: 'ended' | 'disconnected' };
  'conversation.customer_reconnected': { conversationId: string };
  'conversation.agent_disconnected': { conversationId: string; agentId: string };
  'conversation.agent_reconnected': { conversationId: string; agentId: string };
}

export type ConversationEventType = keyof ConversationEventMap;
/** `at` is when the decision was taken, by the clock passed to `decide`. */
export type ConversationEvent = {
  [K in ConversationEventType]: { type: K; data: ConversationEventMap[K]; at: string };
}[ConversationEventType];

export const conversationEvent = <K extends ConversationEventType>(
  type: K,
  data: ConversationEventMap[K],
  at: string,
) => ({ type, data, at }) as Extract<ConversationEvent, { type: K }>;
