import { EventStore, WrongExpectedRevisionError } from '#event-store';
import { Metrics } from './metrics';

/**
 * The event store as wired into the engine, with its appends counted and timed. A proxy rather than a
 * delegating class: every other member of the adapter, including ones the port gains later, is passed
 * through without being listed here.
 */
export const meteredEventStore = (store: EventStore, metrics: Metrics): EventStore => {
  const append: EventStore['append'] = async (requests) => {
    const end = metrics.appendDuration.startTimer();
    try {
      const result = await store.append(requests);
      end({ result: 'ok' });
      for (const request of requests)
        for (const event of request.events) metrics.eventsAppended.inc({ type: event.type });
      return result;
    } catch (error) {
      end({ result: error instanceof WrongExpectedRevisionError ? 'conflict' : 'error' });
      throw error;
    }
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the adapter itself, so its private state is reached through `this` as usual.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
};
