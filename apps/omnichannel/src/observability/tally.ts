import { Counter } from 'prom-client';

interface Count<L extends string> {
  labels: Record<L, string>;
  count: number;
  reported: number;
}

/**
 * The counts of a counter bumped on every command or event: a number per label set under a key the caller
 * builds, added to the prom-client counter when it is scraped. prom-client's own `inc` validates and hashes the
 * label object on each call, which showed in the Kafka bench's profile.
 */
export class Tally<L extends string> {
  private readonly counts = new Map<string, Count<L>>();

  /** Adds one to the label set under `key`; `labels` builds that set the first time the key is seen. */
  add(key: string, labels: (key: string) => Record<L, string>): void {
    const count = this.counts.get(key);
    if (count) count.count++;
    else this.counts.set(key, { labels: labels(key), count: 1, reported: 0 });
  }

  /** Passes to `counter` what was counted since the last scrape. */
  flush(counter: Counter<L>): void {
    for (const count of this.counts.values()) {
      if (count.count > count.reported) counter.inc(count.labels, count.count - count.reported);
      count.reported = count.count;
    }
  }
}
