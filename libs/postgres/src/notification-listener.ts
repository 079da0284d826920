import { RetryPolicy, backoffDelay, sleep } from '#event-store';
import { Client, ClientConfig } from 'pg';
import { NOTIFY_CHANNEL } from './schema';

/**
 * Keeps one dedicated connection (not from the pool: a pooled client is handed to others) that
 * LISTENs for committed appends, from any process, and calls `onWake` for each. After a lost
 * connection it reconnects with a back-off and wakes once more, since notifications sent
 * meanwhile are gone. `connected` tells the store how long its fallback poll may sleep.
 */
export class NotificationListener {
  private client: Client | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private requestStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.requestStop = resolve));
  connected = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly retry: RetryPolicy,
    private readonly onWake: () => void,
    private readonly onUnavailable: (error: unknown) => void,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.requestStop();
    await this.client?.end().catch(() => undefined);
    await this.running;
  }

  private async run(): Promise<void> {
    let retries = 0;
    while (!this.stopped) {
      const client = new Client(this.config);
      this.client = client;
      const lost = new Promise<unknown>((resolve) => {
        client.on('error', resolve);
        client.on('end', () => resolve(new Error('Connection terminated')));
      });
      try {
        await client.connect();
        client.on('notification', () => this.onWake());
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
        this.connected = true;
        retries = 0;
        // Anything committed while we were not listening.
        this.onWake();
        const error = await Promise.race([lost, this.stopRequested]);
        if (!this.stopped) this.onUnavailable(error);
      } catch (error) {
        if (!this.stopped) this.onUnavailable(error);
      }
      this.connected = false;
      await client.end().catch(() => undefined);
      if (!this.stopped) await sleep(backoffDelay(this.retry, retries++), this.stopRequested);
    }
  }
}
