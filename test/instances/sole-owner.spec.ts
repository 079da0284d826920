import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDatabase, createTestDatabase } from '#postgres/testing';
import { AppProcess, REPO_ROOT, freePort } from '../support/app-process';

/**
 * Issue 19, point 7: without Kafka there is no group to share the partitions out, so on a shared PostgreSQL store
 * one instance owns them all and a second refuses to start, naming the holder; when the holder dies (kill -9) its
 * session and lock go with it and another may start.
 */

let db: TestDatabase;
let holder: AppProcess | undefined;
let successor: AppProcess | undefined;
const dirs: string[] = [];

const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'omnichannel-sole-'));
  dirs.push(dir);
  return dir;
};

/** Runs the built service until it exits by itself (or 30 s); resolves with its exit code and stderr. */
const runToExit = (env: Record<string, string>) =>
  new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const { KAFKA_BROKERS: _k, EVENTSTORE_CONNECTION_STRING: _e, ...inherited } = process.env;
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'apps', 'omnichannel', 'src', 'main.js')], {
      cwd: REPO_ROOT,
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the second instance did not stop within 30 s:\n${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });

beforeAll(async () => {
  db = await createTestDatabase('sole_owner');
});

afterAll(async () => {
  for (const app of [holder, successor]) if (app?.running) await app.kill9();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

it('a second instance on the same PostgreSQL store without Kafka refuses to start, naming the holder', async () => {
  holder = await AppProcess.start({
    dataDir: dataDir(),
    env: { OMNICHANNEL_POSTGRES_URL: db.url, OMNICHANNEL_INSTANCE_ID: 'sole-owner' },
    healthDeadlineMs: 60_000,
  });
  const second = await runToExit({
    OMNICHANNEL_POSTGRES_URL: db.url,
    OMNICHANNEL_DATA_DIR: dataDir(),
    PORT: String(await freePort()),
  });
  expect(second.code).toBe(1);
  expect(second.stderr.trim().split('\n')).toHaveLength(1);
  expect(second.stderr).toContain(
    'another instance owns every partition of this PostgreSQL store (omnichannel sole-owner',
  );
  expect((await holder.get('/health')).status).toBe(200);

  await holder.kill9();
  successor = await AppProcess.start({
    dataDir: dataDir(),
    env: { OMNICHANNEL_POSTGRES_URL: db.url, OMNICHANNEL_INSTANCE_ID: 'successor' },
    healthDeadlineMs: 60_000,
  });
  expect((await successor.get('/health')).body.ownedPartitions).toHaveLength(64);
}, 120_000);
