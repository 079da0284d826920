import { AgentEvent } from './agent/events';
import { ConversationEvent } from './conversation/events';
import { QueueEvent } from './queue/queue';
import { WorkstreamEvent } from './workstream/events';

/**
 * One stream per conversation, agent, workstream and queue (docs/architecture.md), named by the id
 * as it is: KurrentDB takes any stream name but an empty one or `$$` (`StreamNameValidator.cs`), so
 * ids with `:` need no escaping.
 */
export const streams = {
  conversation: (id: string) => `conversation-${id}`,
  agent: (id: string) => `agent-${id}`,
  workstream: (id: string) => `workstream-${id}`,
  queue: (id: string) => `queue-${id}`,
};

export type DomainEvent = ConversationEvent | AgentEvent | WorkstreamEvent | QueueEvent;

export const streamOf = (event: DomainEvent): string => {
  switch (event.type) {
    case 'workstream.configured':
      return streams.workstream(event.data.workstreamId);
    case 'queue.configured':
      return streams.queue(event.data.queueId);
    default:
      return event.type.startsWith('agent.')
        ? streams.agent((event as AgentEvent).data.agentId)
        : streams.conversation((event as ConversationEvent).data.conversationId);
  }
};
