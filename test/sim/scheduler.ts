import { Random } from '#command-handling/testing';

interface Task {
  label: string;
  release: () => void;
  /** Not released before the scheduler has made this many releases (a slow operation). */
  notBefore: number;
}

/** Thrown when nothing is left to release yet the run has not come to rest: something waits forever. */
export class Stuck extends Error {}

/** Lets every promise chain that can run, run: no I/O and no real timer is involved, so this is deterministic. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every asynchronous operation of the simulated engine (a store read or append, a batch delivered to the
 * projections, a pause before a retry) waits here until the scheduler releases it; the seeded generator chooses
 * which of the waiting ones goes next. So the interleaving of concurrent commands, projections and process
 * managers is a function of the seed alone.
 */
export class Scheduler {
  private tasks: Task[] = [];
  private releases = 0;
  /** While set, operations pass at once (the invariant checks read the store between steps). */
  direct = false;

  /** Reseeded at every step, so a step's interleaving depends on the step alone. */
  constructor(public random: Random) {}

  readonly gate = (label: string): Promise<void> =>
    this.direct ? Promise.resolve() : new Promise((release) => this.tasks.push({ label, release, notBefore: 0 }));

  /** An operation that lets `rounds` others go first. */
  delay(label: string, rounds: number): Promise<void> {
    return new Promise((release) => this.tasks.push({ label, release, notBefore: this.releases + rounds }));
  }

  /** Releases waiting operations in a seeded order until `atRest()` holds and nothing waits. */
  async settle(atRest: () => boolean, limit = 200_000): Promise<void> {
    for (let n = 0; n < limit; n++) {
      await flush();
      if (this.tasks.length === 0) {
        if (atRest()) return;
        await flush();
        if (this.tasks.length === 0 && !atRest()) throw new Stuck('nothing left to run, yet not at rest');
        continue;
      }
      let ready = this.tasks.filter((t) => t.notBefore <= this.releases);
      if (ready.length === 0) {
        this.releases = Math.min(...this.tasks.map((t) => t.notBefore));
        ready = this.tasks.filter((t) => t.notBefore <= this.releases);
      }
      const task = this.random.pick(ready);
      this.tasks = this.tasks.filter((t) => t !== task);
      this.releases++;
      task.release();
    }
    throw new Stuck(`still busy after ${limit} operations`);
  }
}
