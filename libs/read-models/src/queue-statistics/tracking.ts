import { ConversationEvent, StatusReason, secondsBetween } from '#domain';

/** Service level threshold when the workstream sets none (the contact-centre convention: 80 % in 20 s). */
export const DEFAULT_SERVICE_LEVEL_THRESHOLD_SECONDS = 20;

/** A status reason as a supervisor counts it: an active conversation not yet accepted is counted apart. */
export type StatusBucket = StatusReason | 'active_not_accepted';

/** What the statistics keep of a conversation that is not closed. */
export interface TrackedConversation {
  queueId: string;
  status: StatusBucket;
  accepted: boolean;
  thresholdSeconds: number;
  /** When it last entered `open` in its queue; absent unless it is waiting there now. */
  queuedAt?: string;
}

/** What one event changed in the statistics. */
export type QueueFact =
  | { kind: 'entered'; queueId: string; at: string }
  | { kind: 'left'; queueId: string; at: string }
  | { kind: 'answered'; queueId: string; at: string; waitSeconds: number; withinThreshold: boolean }
  /** `fromQueue`: the customer left while waiting in the queue (T3), not during an offer (T13). */
  | { kind: 'abandoned'; queueId: string; at: string; fromQueue: boolean };

const ACCEPTING = new Set([
  'conversation.picked',
  'conversation.resumed',
  'conversation.accepted',
  'conversation.transferred_to_agent',
  'conversation.transferred_to_external',
]);

/**
 * Folds one conversation event into the tracked conversation and says what it changed: entering or leaving a
 * queue, an answer (assigned or picked, with how long it waited) or an abandonment. `after` is undefined once
 * the conversation is closed (final). `statusAfter` is the status reason the event carries in its metadata.
 */
export const trackConversation = (
  before: TrackedConversation | undefined,
  event: ConversationEvent,
  statusAfter: StatusReason,
): { after: TrackedConversation | undefined; facts: QueueFact[] } => {
  const at = event.at;
  const queueId =
    event.type === 'conversation.requested'
      ? event.data.queueId
      : event.type === 'conversation.transferred_to_queue'
        ? event.data.toQueueId
        : before!.queueId;
  const thresholdSeconds =
    event.type === 'conversation.requested'
      ? (event.data.settings.serviceLevelThresholdSeconds ?? DEFAULT_SERVICE_LEVEL_THRESHOLD_SECONDS)
      : before!.thresholdSeconds;
  const accepted =
    event.type === 'conversation.assigned' || statusAfter === 'open'
      ? false
      : ACCEPTING.has(event.type) || (before?.accepted ?? false);
  const facts: QueueFact[] = [];
  const waiting = before?.queuedAt !== undefined;
  const waitsAfter = statusAfter === 'open';
  const movedQueue = before !== undefined && before.queueId !== queueId;
  if (waiting && (!waitsAfter || movedQueue)) {
    const from = before!.queueId;
    facts.push({ kind: 'left', queueId: from, at });
    if (statusAfter === 'active') {
      const waitSeconds = secondsBetween(before!.queuedAt!, at);
      facts.push({
        kind: 'answered',
        queueId: from,
        at,
        waitSeconds,
        withinThreshold: waitSeconds <= thresholdSeconds,
      });
    }
  }
  if (event.type === 'conversation.abandoned') facts.push({ kind: 'abandoned', queueId, at, fromQueue: waiting });
  const entered = waitsAfter && (!waiting || movedQueue);
  if (entered) facts.push({ kind: 'entered', queueId, at });
  if (statusAfter === 'closed') return { after: undefined, facts };
  return {
    after: {
      queueId,
      status: statusAfter === 'active' && !accepted ? 'active_not_accepted' : statusAfter,
      accepted,
      thresholdSeconds,
      ...(waitsAfter && { queuedAt: entered ? at : before!.queuedAt }),
    },
    facts,
  };
};
