import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Observable } from 'rxjs';
import { Clock } from '#clock';
import { StoredEvent } from '#event-store';
import { AgentStatisticsQueries, ProjectionRunner, QueueStatisticsQueries } from '#read-models';
import { CLOCK } from '../tokens';

/** At most one update a second, whatever the event rate. */
const MIN_INTERVAL_MS = 1000;
/** Without events, figures that move with time (longest wait, the 15-minute windows) are refreshed this often. */
const HEARTBEAT_MS = 5000;
/** Beyond this many changed ids an update says only that many changed: pages then reload what they show. */
const MAX_CHANGED_IDS = 100;

interface Changed {
  conversationIds: string[];
  agentIds: string[];
  /** More changed than listed. */
  truncated: boolean;
}

/**
 * The live stream behind the supervisor's page: after projected batches (throttled to one update a second, the
 * first without delay) and on a heartbeat, the current figures — per-queue statistics, counts by status reason
 * and presence — and which conversations and agents changed, so a page reloads only what it shows.
 * The figures are computed once per update for every listener.
 */
@Injectable()
export class LiveStatistics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listeners = new Set<(message: string) => void>();
  private changedConversations = new Set<string>();
  private changedAgents = new Set<string>();
  private truncated = false;
  private lastSent = 0;
  private pending?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;

  private readonly logger = new Logger('LiveStatistics');

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly statistics: QueueStatisticsQueries,
    private readonly agentStatistics: AgentStatisticsQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.onBatch(
      (events) => this.changed(events),
      (error) => this.logger.error(error instanceof Error ? error.message : String(error)),
    );
    this.heartbeat = setInterval(() => this.schedule(), HEARTBEAT_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.pending);
  }

  /** The figures now: what a client gets first, and what each update carries. */
  snapshot(changed: Changed = { conversationIds: [], agentIds: [], truncated: false }) {
    const at = this.clock.now();
    return {
      position: this.runner.position,
      at,
      queues: this.statistics.queues(at),
      conversations: this.statistics.conversationCounts(),
      agents: this.agentStatistics.presenceCounts(),
      changed,
    };
  }

  /** Every update as a JSON string, starting with the current figures. */
  updates(): Observable<string> {
    return new Observable<string>((subscriber) => {
      subscriber.next(JSON.stringify(this.snapshot()));
      const listener = (message: string) => subscriber.next(message);
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    });
  }

  private changed(events: StoredEvent[]): void {
    for (const event of events) {
      const { conversationId, agentId, toAgentId, fromAgentId } = event.data;
      if (typeof conversationId === 'string') this.note(this.changedConversations, conversationId);
      for (const id of [agentId, toAgentId, fromAgentId]) if (typeof id === 'string') this.note(this.changedAgents, id);
    }
    this.schedule();
  }

  private note(set: Set<string>, id: string): void {
    if (set.size < MAX_CHANGED_IDS) set.add(id);
    else if (!set.has(id)) this.truncated = true;
  }

  private schedule(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastSent + MIN_INTERVAL_MS - Date.now());
    this.pending = setTimeout(() => this.send(), wait);
  }

  private send(): void {
    this.pending = undefined;
    this.lastSent = Date.now();
    const changed = {
      conversationIds: [...this.changedConversations],
      agentIds: [...this.changedAgents],
      truncated: this.truncated,
    };
    this.changedConversations = new Set();
    this.changedAgents = new Set();
    this.truncated = false;
    if (this.listeners.size === 0) return;
    const message = JSON.stringify(this.snapshot(changed));
    for (const listener of this.listeners) listener(message);
  }
}
