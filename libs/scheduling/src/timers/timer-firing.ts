import { ConversationCommandResult } from '#command-handling';
import { Cause, TIMER_CAUSE } from '#command-handling';
import { ConversationCommand } from '#domain';
import { ProjectionRunner, TimerQueries } from '#read-models';
import { Clock } from '#clock';
import { OWN_ALL, Ownership } from '../partitions/partitions';

export type SendCommand = (command: ConversationCommand, cause: Cause) => Promise<ConversationCommandResult>;

const BATCH = 500;

/**
 * Fires every timer that has fallen due, as a command on the common path (actor.kind = system).
 * Timers are read from the read model, which derives them from events; the command re-checks the
 * deadline against the conversation's current state, so a timer that is stale or fired before decides nothing.
 */
export class TimerFiring {
  private running?: Promise<{ fired: number; position: number }>;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly readModels: TimerQueries,
    private readonly runner: ProjectionRunner,
    private readonly send: SendCommand,
    private readonly onError: (error: unknown) => void,
    private readonly ownership: Ownership = OWN_ALL,
  ) {}

  /**
   * A clean shutdown: the pass under way ends after the command in flight, so a backlog of overdue timers
   * cannot hold SIGTERM up; what is left fires after the restart (deadlines live in the events).
   */
  stop(): void {
    this.stopped = true;
  }

  /** One pass at a time; a caller arriving during a pass waits for it and then runs its own. */
  async fireDue(): Promise<{ fired: number; position: number }> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.pass();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async pass(): Promise<{ fired: number; position: number }> {
    const seen = new Set<string>();
    let fired = 0;
    let position = this.runner.position;
    let limit = BATCH;
    for (;;) {
      const page = this.readModels.dueTimers(this.clock.now(), limit);
      const due = page.filter((t) => !seen.has(key(t)) && this.ownership.owns(t.conversationId));
      if (due.length === 0) {
        if (page.length < limit) return { fired, position };
        // A full page of other owners' (or already tried) timers: look further, so ours are never starved.
        limit *= 2;
        continue;
      }
      for (const timer of due) {
        if (this.stopped) return { fired, position };
        seen.add(key(timer));
        const command = { type: timer.kind, conversationId: timer.conversationId, dueAt: timer.dueAt };
        const result = await this.send(command, TIMER_CAUSE).catch((error: unknown) => void this.onError(error));
        if (result?.events.length) {
          fired++;
          position = Math.max(position, result.position);
        }
      }
      // What fired may set new deadlines that are already due (e.g. auto-close after a long advance).
      await this.runner.waitFor(position, 10_000);
    }
  }
}

const key = (t: { conversationId: string; kind: string; dueAt: string }) => `${t.conversationId}|${t.kind}|${t.dueAt}`;
