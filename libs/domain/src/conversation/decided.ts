import { AgentEvent } from '../agent/events';
import { ConversationEvent } from './events';

/** What a command decides: conversation events and the capacity events that go with them, in order. */
export type Decided = ConversationEvent | AgentEvent;
