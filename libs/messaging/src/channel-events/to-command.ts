import { Channel, ConversationCommand, transferTarget } from '#domain';
import { Cause } from '#command-handling';
import { ChannelEvent } from './channel-event';

/** A channel event becomes a command on the same path as an agent's; its eventId makes it idempotent. */
export const toCommand = (event: ChannelEvent): { command: ConversationCommand; cause: Cause } => {
  const conversationId = event.conversationId;
  const cause = (actor: Cause['actor']): Cause => ({ actor, causationId: event.eventId, occurredAt: event.occurredAt });
  switch (event.type) {
    case 'conversation.requested': {
      const { channel, workstreamId, queueId, customer } = event.payload;
      const command = {
        type: 'request',
        conversationId,
        channel: channel as Channel,
        workstreamId,
        queueId,
        customer,
      } as const;
      return { command, cause: cause({ kind: 'customer', id: customer.id }) };
    }
    case 'customer.message':
      return {
        command: { type: 'customerMessage', conversationId, text: event.payload.text },
        cause: cause('customer'),
      };
    case 'customer.ended':
      return { command: { type: 'customerEnd', conversationId }, cause: cause('customer') };
    case 'customer.disconnected':
      return { command: { type: 'customerDisconnect', conversationId }, cause: cause('customer') };
    case 'customer.reconnected':
      return { command: { type: 'customerReconnect', conversationId }, cause: cause('customer') };
    case 'voice.transferred': {
      // parseChannelEvent let it through only with exactly one target.
      const target = transferTarget(event.payload)!;
      return {
        command: { type: 'transfer', conversationId, agentId: event.payload.byAgentId, target },
        cause: cause({ kind: 'channel', id: 'telephony' }),
      };
    }
    case 'agent.disconnected':
      return {
        command: { type: 'agentDisconnect', conversationId, agentId: event.payload.agentId },
        cause: cause({ kind: 'channel', id: 'agent-client' }),
      };
    case 'agent.reconnected':
      return {
        command: { type: 'agentReconnect', conversationId, agentId: event.payload.agentId },
        cause: cause({ kind: 'channel', id: 'agent-client' }),
      };
  }
};
