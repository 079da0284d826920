import { AgentEvent } from './agent/events';
import { ConversationEvent } from './conversation/events';
import { QueueEvent } from './queue/queue';
import { WorkstreamEvent } from './workstream/events';

/**
 * Ids may hold `:` (contract), stream names may not (KurrentDB's append API takes letters, digits, `_`, `.`, `-`):
 * `_` becomes `__` and `:` becomes `_.`, which keeps every id's stream distinct.
 */
const safe = (id: string) => id.replace(/[_:]/g, (c) => (c === '_' ? '__' : '_.'));

/** One stream per conversation, agent, workstream and queue (docs/architecture.md). */
export const streams = {
  conversation: (id: string) => `conversation-${safe(id)}`,
  agent: (id: string) => `agent-${safe(id)}`,
  workstream: (id: string) => `workstream-${safe(id)}`,
  queue: (id: string) => `queue-${safe(id)}`,
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
