import { Client } from 'pg';

/** The advisory lock's key: one per database, whatever schema the events live in. */
const SOLE_OWNER_KEY = 0x6f6d6e69; // 'omni'

/** Another instance on this PostgreSQL store without Kafka to share the partitions with. */
export class SoleOwnerTakenError extends Error {
  constructor(holder: string) {
    super(
      `another instance owns every partition of this PostgreSQL store (${holder}) and KAFKA_BROKERS is unset: ` +
        'without Kafka one instance owns all the work; set KAFKA_BROKERS on every instance to run several',
    );
    this.name = 'SoleOwnerTakenError';
  }
}

/**
 * Without Kafka there is no group to share the partitions out, so one instance on a shared PostgreSQL store owns
 * them all and refuses to share (docs/instances.md): it holds a session-level advisory lock on a connection of its
 * own for its whole life; a second one finds it taken and does not start. The server drops the lock with the
 * session, so a dead holder's lock goes with its connection. A holder that loses the session cannot know whether
 * another took over: it stops (`onLost`), and its supervisor restarts it to try again.
 */
export class SoleOwnerLock {
  /** `client` is never read: holding it keeps the session, and so the lock, open. */
  private constructor(private readonly client: Client) {}

  static async acquire(url: string, instanceId: string, onLost: (error: Error) => void): Promise<SoleOwnerLock> {
    const client = new Client({ connectionString: url, application_name: `omnichannel ${instanceId}` });
    await client.connect();
    try {
      const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [
        SOLE_OWNER_KEY,
      ]);
      if (!rows[0].taken) throw new SoleOwnerTakenError(await holder(client));
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('the connection holding the sole-owner lock ended')));
    return new SoleOwnerLock(client);
  }
}

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
