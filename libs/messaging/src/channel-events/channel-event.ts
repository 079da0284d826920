import { Channel } from '#domain';

/** Contract section 1: the envelope every channel adapter sends, over Kafka or HTTP. */
export const CHANNEL_EVENT_TYPES = [
  'conversation.requested',
  'customer.message',
  'customer.ended',
  'customer.disconnected',
  'customer.reconnected',
  'voice.transferred',
  'agent.disconnected',
  'agent.reconnected',
] as const;
export type ChannelEventType = (typeof CHANNEL_EVENT_TYPES)[number];

export interface ChannelEventPayloads {
  'conversation.requested': {
    channel: Channel;
    workstreamId: string;
    queueId: string;
    customer: { id: string; authenticated: boolean };
  };
  'customer.message': { text: string };
  'customer.ended': Record<string, never>;
  'customer.disconnected': Record<string, never>;
  'customer.reconnected': Record<string, never>;
  'voice.transferred': { byAgentId: string; toExternalNumber?: string; toAgentId?: string; toQueueId?: string };
  'agent.disconnected': { agentId: string };
  'agent.reconnected': { agentId: string };
}

export type ChannelEvent = {
  [K in ChannelEventType]: {
    eventId: string;
    type: K;
    conversationId: string;
    occurredAt: string;
    payload: ChannelEventPayloads[K];
  };
}[ChannelEventType];
