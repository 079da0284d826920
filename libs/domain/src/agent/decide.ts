import { notFound } from '../shared/errors';
import { AgentCommand } from './commands';
import { AgentEvent, agentEvent } from './events';
import { AgentState } from './state';

export const decideAgent = (command: AgentCommand, state: AgentState | undefined, now: string): AgentEvent[] => {
  switch (command.type) {
    case 'configureAgent': {
      const { agentId, name, capacityUnits, queueIds } = command;
      return [agentEvent('agent.configured', { agentId, name, capacityUnits, queueIds: [...new Set(queueIds)] }, now)];
    }
    case 'changePresence': {
      if (!state) throw notFound('agent', command.agentId);
      const { agentId, status, supervisor } = command;
      return [agentEvent('agent.presence_changed', { agentId, status, ...(supervisor && { supervisor }) }, now)];
    }
  }
};
