import { Admin, Kafka } from 'kafkajs';
import { describeError, sleep, withTimeout } from './backoff';
import { MessagingLogger } from './client';

export interface BrokerProbeOptions {
  /** A client with short timeouts and no retries of its own: a probe should answer fast. */
  kafka: Kafka;
  logger: MessagingLogger;
  intervalMs?: number;
  timeoutMs?: number;
}

/**
 * Asks the cluster for its metadata every `intervalMs`. Consumers and producers notice an outage
 * only when they next talk to the broker (and then retry for a while before they say so); the
 * probe makes /health answer within about a second that the broker is gone, and that it is back.
 */
export class BrokerProbe {
  private admin?: Admin;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private ok = false;
  private lastError?: string;
  private changedAt = Date.now();

  constructor(private readonly options: BrokerProbeOptions) {}

  get reachable(): boolean {
    return this.ok;
  }

  get detail(): string {
    const since = `${Math.round((Date.now() - this.changedAt) / 1000)} s`;
    return this.ok
      ? `broker reachable for ${since}`
      : `broker unreachable for ${since}${this.lastError ? `: ${this.lastError}` : ''}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** One probe now; resolves to whether the broker answered. */
  async probe(): Promise<boolean> {
    const timeoutMs = this.options.timeoutMs ?? 3_000;
    try {
      if (!this.admin) {
        const admin = this.options.kafka.admin();
        this.admin = admin;
        await withTimeout(admin.connect(), timeoutMs, `no connection within ${timeoutMs} ms`);
      }
      await withTimeout(this.admin.describeCluster(), timeoutMs, `no answer within ${timeoutMs} ms`);
      this.set(true);
    } catch (error) {
      this.lastError = describeError(error);
      this.set(false);
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
    }
    return this.ok;
  }

  private async run(): Promise<void> {
    const intervalMs = this.options.intervalMs ?? 1_000;
    while (!this.abort.signal.aborted) {
      await this.probe();
      await sleep(intervalMs, this.abort.signal);
    }
  }

  private set(ok: boolean): void {
    if (ok === this.ok) return;
    this.ok = ok;
    this.changedAt = Date.now();
    if (ok) this.options.logger.log('Kafka broker reachable');
    else this.options.logger.warn(`Kafka broker unreachable: ${this.lastError}`);
  }
}
