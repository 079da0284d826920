import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';

/** The advisory lock's key: one per database, whatever schema the events live in. */
const SOLE_OWNER_KEY = 0x6f6d6e69; // 'omni'

/** How long a holder that lost its session waits between attempts to take the lock again. */
const RETAKE_INTERVAL_MS = 1_000;

/** Another instance on this shared store without Kafka to share the partitions with. */
export class SoleOwnerTakenError extends Error {
  constructor(holder: string, store = 'PostgreSQL') {
    super(
      `another instance owns every partition of this ${store} store (${holder}) and KAFKA_BROKERS is unset: ` +
        'without Kafka one instance owns all the work; set KAFKA_BROKERS on every instance to run several',
    );
    this.name = 'SoleOwnerTakenError';
  }
}

/** What the holder is told when its session, and so possibly the lock, goes, and when it holds it again. */
export interface SoleOwnerEvents {
  lost(error: Error): void;
  regained(): void;
}

/**
 * Without Kafka there is no group to share the partitions out, so one instance on a shared PostgreSQL store owns
 * them all and refuses to share (docs/instances.md): it holds a session-level advisory lock on a connection of its
 * own; a second one finds it taken at start and does not start. The server drops the lock with the session, so a
 * dead holder's lock goes with its connection. A holder that loses the session (the server restarted, the network
 * broke) cannot know whether another took over: it gives up its partitions at once (`lost`) and keeps serving,
 * tries to take the lock again every second, and owns everything again once it has it (`regained`).
 */
export class SoleOwnerLock {
  private client: Client;
  private stopped = false;

  private constructor(
    client: Client,
    private readonly url: string,
    private readonly instanceId: string,
    private readonly events: SoleOwnerEvents,
  ) {
    this.client = client;
    this.watch(client);
  }

  static async acquire(url: string, instanceId: string, events: SoleOwnerEvents): Promise<SoleOwnerLock> {
    const client = await take(url, instanceId);
    if (typeof client === 'string') throw new SoleOwnerTakenError(client);
    return new SoleOwnerLock(client, url, instanceId, events);
  }

  async release(): Promise<void> {
    this.stopped = true;
    await this.client.end().catch(() => undefined);
  }

  private watch(client: Client): void {
    let gone = false;
    const lost = (error: Error) => {
      if (gone || this.stopped) return;
      gone = true;
      this.events.lost(error);
      void this.retake();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the connection holding the sole-owner lock ended')));
  }

  private async retake(): Promise<void> {
    while (!this.stopped) {
      await delay(RETAKE_INTERVAL_MS, undefined, { ref: false });
      const client = await take(this.url, this.instanceId).catch(() => undefined);
      if (client === undefined || typeof client === 'string') continue;
      if (this.stopped) return void (await client.end().catch(() => undefined));
      this.client = client;
      this.watch(client);
      this.events.regained();
      return;
    }
  }
}

/** A session holding the lock, or the name of the session that holds it instead. */
const take = async (url: string, instanceId: string): Promise<Client | string> => {
  const client = new Client({ connectionString: url, application_name: `omnichannel ${instanceId}` });
  // Until it is watched: a connection that fails meanwhile must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [
      SOLE_OWNER_KEY,
    ]);
    if (rows[0].taken) return client;
    const name = await holder(client);
    await client.end().catch(() => undefined);
    return name;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
};

/** Names the session that holds the lock: its application name (the instance id), address and start. */
const holder = async (client: Client): Promise<string> => {
  const { rows } = await client.query<{ name: string; address: string | null; since: Date }>(
    `SELECT a.application_name AS name, a.client_addr::text AS address, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted`,
    [SOLE_OWNER_KEY],
  );
  const row = rows[0];
  return row
    ? `${row.name || 'unnamed session'}${row.address ? ` from ${row.address}` : ''}, since ${row.since.toISOString()}`
    : 'held by a session that has just ended';
};
