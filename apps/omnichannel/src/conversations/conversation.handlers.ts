import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConversationCommands } from '#command-handling';
import { RunConversationCommand } from './conversation.commands';

@CommandHandler(RunConversationCommand)
export class RunConversationCommandHandler implements ICommandHandler<RunConversationCommand> {
  constructor(private readonly commands: ConversationCommands) {}

  execute({ command, cause }: RunConversationCommand) {
    return this.commands.execute(command, cause);
  }
}
