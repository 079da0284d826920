import { ConversationState } from '../../../../libs/domain/src';
import { conversationView } from '../../../../libs/read-models/src';

/**
 * Open work in arrival order. Every item carries its `position` (contract section 3: "in arrival order, with
 * position"); live chats also carry the queue's average recent wait (null until a live chat has been assigned
 * there). The spec's "no queue-position messages" for persistent chat is about messages to the customer,
 * not about this read model.
 */
export const openWorkView = (open: { state: ConversationState; queuedAt: string }[], averageWait: number | undefined) =>
  open.map(({ state, queuedAt }, index) => ({
    ...conversationView(state),
    queuedAt,
    position: index + 1,
    ...(state.channel === 'live_chat' && { estimatedWaitSeconds: averageWait ?? null }),
  }));
