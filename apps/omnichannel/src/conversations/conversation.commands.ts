import { Command } from '@nestjs/cqrs';
import { Cause, ConversationCommandResult } from '#command-handling';
import { ConversationCommand } from '#domain';

/** Every change to a conversation, whoever causes it (agent, channel adapter, timer), travels as this. */
export class RunConversationCommand extends Command<ConversationCommandResult> {
  constructor(
    readonly command: ConversationCommand,
    readonly cause: Cause,
  ) {
    super();
  }
}
