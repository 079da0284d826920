export interface Queue {
  id: string;
  name: string;
}

export type QueueConfigured = { type: 'queue.configured'; data: { queueId: string; name: string }; at: string };

export type QueueEvent = QueueConfigured;

export const evolveQueue = (_state: Queue | undefined, event: QueueEvent): Queue => ({
  id: event.data.queueId,
  name: event.data.name,
});
