/** One request of an append as `append_group` takes it: stream, expected revision, events. */
export interface WireRequest {
  s: string;
  e: number | 'no_stream' | 'any';
  /** [eventId, type, data JSON, metadata JSON] per event. */
  v: string[][];
}

/** `append_group`'s answer for one append (see schema.ts). */
export type Outcome =
  | { p: number; r: Record<string, number> }
  | { w: [streamId: string, expected: string, actual: number | null] }
  | { e: [sqlstate: string, message: string, constraint: string | null] };

export interface GroupWriterOptions {
  /** Sends one group (the JSON text of its appends) and resolves with one outcome per append. */
  run(payload: string): Promise<unknown>;
  maxGroupSize: number;
  /** After a group committed with at least one append written. */
  onCommitted(): void;
}

interface Queued {
  wire: WireRequest[];
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

/**
 * The per-process group commit: appends submitted while a group's transaction runs wait and go
 * together in the next one, so the command path's many small concurrent appends cost one round
 * trip and one commit per group, not per append, and the append lock (which serialises groups
 * across processes) is taken once per group. At most one group is in flight per process.
 */
export class GroupWriter {
  private queued: Queued[] = [];
  private inFlight = false;
  private scheduled = false;
  private drained: (() => void)[] = [];

  constructor(private readonly options: GroupWriterOptions) {}

  submit(wire: WireRequest[]): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queued.push({ wire, resolve, reject });
      if (!this.inFlight && !this.scheduled) {
        // One event-loop turn lets appends started together share the first group too.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.send();
        });
      }
    });
  }

  /** Resolves once everything submitted so far has been answered. */
  drain(): Promise<void> {
    if (!this.inFlight && !this.scheduled && this.queued.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private async send(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    // The next group forms while this one runs.
    while (this.queued.length > 0) {
      const group = this.queued.splice(0, this.options.maxGroupSize);
      try {
        const outcomes = (await this.options.run(JSON.stringify(group.map(({ wire }) => wire)))) as Outcome[];
        if (outcomes.some((outcome) => 'p' in outcome && Object.keys(outcome.r).length > 0)) this.options.onCommitted();
        group.forEach(({ resolve }, index) => resolve(outcomes[index]));
      } catch (error) {
        for (const { reject } of group) reject(error);
      }
    }
    this.inFlight = false;
    if (!this.scheduled) this.settleDrained();
  }

  private settleDrained(): void {
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }
}
