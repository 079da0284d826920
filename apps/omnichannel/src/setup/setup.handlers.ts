import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConfigurationCommands } from '#command-handling';
import { ChangePresence, ConfigureAgent, ConfigureQueue, ConfigureWorkstream } from './setup.commands';

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

@CommandHandler(ConfigureAgent)
export class ConfigureAgentHandler implements ICommandHandler<ConfigureAgent> {
  constructor(private readonly commands: ConfigurationCommands) {}
  execute({ agentId, name, capacityUnits, queueIds, actor }: ConfigureAgent) {
    return this.commands.agent({ type: 'configureAgent', agentId, name, capacityUnits, queueIds }, actor);
  }
}

@CommandHandler(ChangePresence)
export class ChangePresenceHandler implements ICommandHandler<ChangePresence> {
  constructor(private readonly commands: ConfigurationCommands) {}
  execute({ agentId, status, actor, supervisor }: ChangePresence) {
    return this.commands.agent({ type: 'changePresence', agentId, status, ...(supervisor && { supervisor }) }, actor);
  }
}
