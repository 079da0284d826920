import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError, SupervisorAction } from '#domain';
import { Actor } from '#event-store';
import { ConversationQueries } from '#read-models';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { sentFrom } from '../observability/served-request';

/**
 * S4: a supervisor signed an agent out (presence offline). Each conversation the agent has active is then
 * disconnected, by the supervisor, and T7 decides the rest as for any dropped client (docs/lifecycle.md).
 */
@Injectable()
export class SignOut {
  constructor(
    private readonly bus: CommandBus,
    private readonly conversations: ConversationQueries,
  ) {}

  async conversationsOf(
    agentId: string,
    actor: Actor,
    supervisor: SupervisorAction,
    after: number,
    requestId: string,
  ): Promise<{ position: number; disconnectedConversationIds: string[] }> {
    let position = after;
    const disconnected: string[] = [];
    for (const { id } of this.conversations.conversations({ statusReason: 'active', agentId })) {
      const command = { type: 'agentDisconnect' as const, conversationId: id, agentId, supervisor };
      try {
        const result = await this.bus.execute(sentFrom(new RunConversationCommand(command, { actor }), requestId));
        position = Math.max(position, result.position);
        if (result.events.length) disconnected.push(id);
      } catch (error) {
        // Moved on since the read model saw it (ended, transferred): nothing of the agent's left to disconnect.
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return { position, disconnectedConversationIds: disconnected };
  }
}
