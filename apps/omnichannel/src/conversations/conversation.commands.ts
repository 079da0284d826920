import { Command } from '@nestjs/cqrs';
import { Cause, ConversationCommandResult } from '../../../../libs/command-handling/src';
import { ConversationCommand } from '../../../../libs/domain/src';

/** Every change to a conversation, whoever causes it (agent, channel adapter, timer), travels as this. */
export class RunConversationCommand extends Command<ConversationCommandResult> {
  constructor(readonly command: ConversationCommand, readonly cause: Cause) {
    super();
  }
}
