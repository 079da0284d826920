import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConfigurationCommands } from '#command-handling';
import { ConfigureQueue, ConfigureWorkstream, RunAgentCommand } from './setup.commands';

@CommandHandler(ConfigureWorkstream)
export class ConfigureWorkstreamHandler implements ICommandHandler<ConfigureWorkstream> {
  constructor(private readonly commands: ConfigurationCommands) {}
  execute({ workstreamId, settings, actor }: ConfigureWorkstream) {
    return this.commands.configureWorkstream(workstreamId, settings, actor);
  }
}

@CommandHandler(ConfigureQueue)
export class ConfigureQueueHandler implements ICommandHandler<ConfigureQueue> {
  constructor(private readonly commands: ConfigurationCommands) {}
  execute({ queueId, name, actor }: ConfigureQueue) {
    return this.commands.configureQueue(queueId, name, actor);
  }
}

@CommandHandler(RunAgentCommand)
export class RunAgentCommandHandler implements ICommandHandler<RunAgentCommand> {
  constructor(private readonly commands: ConfigurationCommands) {}
  execute({ command, actor }: RunAgentCommand) {
    return this.commands.agent(command, actor);
  }
}
