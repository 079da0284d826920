import { OpenConversationView, OpenWork, conversationView } from '#read-models';

/**
 * Open work in arrival order. Live chats carry their queue position and the queue's average recent wait
 * (null until a live chat has been assigned there). Persistent chats carry neither: nobody waits on them
 * (issue 3; spec "no queue-position or average-wait-time messages"). Other channels carry their position.
 */
export const openWorkView = (open: OpenWork[], averageWait: number | undefined): OpenConversationView[] =>
  open.map(({ state, queuedAt, position }) => ({
    ...conversationView(state),
    queuedAt,
    ...(state.channel !== 'persistent_chat' && { position }),
    ...(state.channel === 'live_chat' && { estimatedWaitSeconds: averageWait ?? null }),
  }));
