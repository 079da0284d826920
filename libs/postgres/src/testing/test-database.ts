import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The server tests make their databases on: the machine's (and CI's) PostgreSQL unless
 * OMNICHANNEL_TEST_POSTGRES_URL names another. It must be reachable: tests on it fail, never skip.
 */
export const TEST_SERVER_URL =
  process.env.OMNICHANNEL_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The new database's URL. */
  url: string;
  name: string;
  /** Drops the database, ending whatever connections are still open on it. */
  drop(): Promise<void>;
}

/** A database of its own for one test run (a unique name), on `serverUrl`, dropped by `drop()`. */
export async function createTestDatabase(label = 'test', serverUrl = TEST_SERVER_URL): Promise<TestDatabase> {
  const name = `omnichannel_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
