import { ConversationState } from '../../../../libs/domain/src';
import { conversationView } from '../../../../libs/read-models/src';

/** Open work in arrival order with each item's position (1 = next). */
export const openWorkView = (open: { state: ConversationState; queuedAt: string }[]) =>
  open.map(({ state, queuedAt }, index) => ({ ...conversationView(state), queuedAt, position: index + 1 }));
