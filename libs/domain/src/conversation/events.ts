import { Channel } from '../channel/channel';
import { SupervisorAction } from '../shared/supervisor';
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
export type CloseReason = 'resolved' | 'wrap_up_completed' | 'inactivity_timeout' | 'auto_closed' | 'force_closed';
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
  /**
   * T2: offered, not yet accepted. S1 (a supervisor's assign) names the supervisor, and `overCapacity` when the
   * agent had too little room and the supervisor overrode it.
   */
  'conversation.assigned': {
    conversationId: string;
    agentId: string;
    units: number;
    supervisor?: SupervisorAction;
    overCapacity?: true;
  };
  'conversation.accepted': { conversationId: string; agentId: string };
  /** A pushed assignment declined or not answered in time: back to open. */
  'conversation.assignment_rejected': { conversationId: string; agentId: string; reason: 'rejected' | 'offer_timeout' };
  /** T4, T5, T6 */
  'conversation.ended': { conversationId: string; agentId?: string; endedBy: EndedBy };
  /** T7, T8, T10 */
  'conversation.returned_to_queue': { conversationId: string; agentId: string; reason: ReturnReason };
  /** X3 (T9); S2 to a queue names the supervisor. */
  'conversation.transferred_to_queue': {
    conversationId: string;
    fromAgentId: string;
    fromQueueId: string;
    toQueueId: string;
    supervisor?: SupervisorAction;
  };
  /** X2: accepted at once. S2 to an agent names the supervisor and is `offered`: the agent accepts or rejects. */
  'conversation.transferred_to_agent': {
    conversationId: string;
    fromAgentId: string;
    toAgentId: string;
    units: number;
    supervisor?: SupervisorAction;
    offered?: true;
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
  /** T12, T14, T15; S3 (`force_closed`) names the supervisor and why. */
  'conversation.closed': {
    conversationId: string;
    reason: CloseReason;
    agentId?: string;
    supervisor?: Required<SupervisorAction>;
  };
  /** A timed wrap-up capacity block ran out: the agent's units are free while wrap-up goes on. */
  'conversation.wrap_up_block_expired': { conversationId: string; agentId: string };
  'conversation.customer_message': { conversationId: string; text: string };
  'conversation.agent_message': { conversationId: string; agentId: string; text: string };
  /** The customer left where no transition applies (a persistent chat, a call transferred out): recorded only. */
  'conversation.customer_left': { conversationId: string; how: 'ended' | 'disconnected' };
  'conversation.customer_reconnected': { conversationId: string };
  /** The agent's client dropped, or S4: a supervisor signed the agent out (then `supervisor` is set). */
  'conversation.agent_disconnected': { conversationId: string; agentId: string; supervisor?: SupervisorAction };
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
