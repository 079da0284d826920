import { EventStore, WrongExpectedRevisionError } from '#event-store';
import { Metrics } from './metrics';

/**
 * The event store as wired into the engine, with its appends counted and timed. A proxy rather than a
 * delegating class: every other member of the adapter, including ones the port gains later, is passed
 * through without being listed here.
 */
export const meteredEventStore = (store: EventStore, metrics: Metrics): EventStore => {
  // Bound once: every command appends, and prom-client's timer builds label objects and closures per call.
  const appended = metrics.appendDuration.labels('ok');
  const typeLabels = (type: string) => ({ type });
  const append: EventStore['append'] = async (requests) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1e3;
    try {
      const result = await store.append(requests);
      appended.observe(seconds());
      for (const request of requests)
        for (const event of request.events) metrics.appendedTally.add(event.type, typeLabels);
      return result;
    } catch (error) {
      metrics.appendDuration.observe(
        { result: error instanceof WrongExpectedRevisionError ? 'conflict' : 'error' },
        seconds(),
      );
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
