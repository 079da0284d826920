import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess, REPO_ROOT, freePort, stopAndClean } from '../support/app-process';

/**
 * Issue 19, point 1: a data directory (embedded store, read models, outbox checkpoints) is one process's. A second
 * `npm start` on it stops at once naming the holder; the read-only replay still reads beside it; the lock goes with
 * its holder, even when the holder is killed with SIGKILL.
 */

const DIST = join(REPO_ROOT, 'dist', 'apps', 'omnichannel', 'src');

/** Runs a built entry point to its end; resolves with its exit code and output. */
const run = (script: string, dataDir: string, env: Record<string, string> = {}, args: string[] = []) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const { KAFKA_BROKERS: _k, EVENTSTORE_CONNECTION_STRING: _e, ...inherited } = process.env;
    const child = spawn(process.execPath, [join(DIST, script), ...args], {
      cwd: REPO_ROOT,
      env: { ...inherited, NO_COLOR: '1', OMNICHANNEL_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not end within 20 s:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

let holder: AppProcess | undefined;
let successor: AppProcess | undefined;

afterAll(async () => {
  await stopAndClean(successor);
  if (holder?.running) await holder.kill9();
  holder?.removeDataDir();
});

it('refuses a second process on a held data directory, naming the holder, until the holder dies (kill -9)', async () => {
  holder = await AppProcess.start({ env: { OMNICHANNEL_INSTANCE_ID: 'first-instance' } });
  const second = await run('main.js', holder.dataDir, { PORT: String(await freePort()) });
  expect(second.code).toBe(1);
  const line = second.stderr.trim();
  expect(line.split('\n')).toHaveLength(1);
  expect(line).toContain(`is in use by instance first-instance (pid ${holder.pid} on `);
  expect(line).toMatch(/since \d{4}-\d\d-\d\dT/);

  // The holder goes on serving.
  expect((await holder.get('/health')).status).toBe(200);

  // The read-only replay reads the store beside the holder.
  const replay = await run('replay/main.js', holder.dataDir);
  expect(replay.stderr).not.toContain('in use by');
  expect(replay.code).toBe(0);

  await holder.kill9();
  successor = await AppProcess.start({ dataDir: holder.dataDir, env: { OMNICHANNEL_INSTANCE_ID: 'second-instance' } });
  expect((await successor.get('/health')).status).toBe(200);
});
