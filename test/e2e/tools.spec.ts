import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, REPO_ROOT, freePort, pollUntil, stopAndClean } from '../support/app-process';

/**
 * Issue 24: the commands a newcomer types. `--help` answers the usage with exit 0; a port in use is one line
 * naming it; a build (here the one `npm run replay` starts with) beside a running service never takes its page
 * away; the service `npm start` started goes when npm goes.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

describe('--help', () => {
  it.each(['token', 'replay', 'bench'])(
    'npm run %s -- --help prints the usage and exits 0',
    async (script) => {
      const result = await run('npm', ['run', '--silent', script, '--', '--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${script}`));
    },
    60_000,
  );
});

describe('beside a running service', () => {
  let app: AppProcess | undefined;
  afterAll(() => stopAndClean(app));

  it('a second start on its port fails with one line naming the port, exit 1', async () => {
    app = await AppProcess.start();
    const main = join(REPO_ROOT, 'dist', 'apps', 'omnichannel', 'src', 'main.js');
    const second = await run(process.execPath, [main], {
      PORT: String(app.port),
      OMNICHANNEL_DATA_DIR: `${app.dataDir}-second`,
      LOG_LEVEL: 'silent',
    });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([expect.stringContaining(`port ${app.port} is already in use`)]);
  }, 60_000);

  it('a build started by npm run replay keeps the page served throughout', async () => {
    app ??= await AppProcess.start();
    // A page source newer than the bundle: the build rewrites the page while the service serves it.
    const bundle = join(REPO_ROOT, 'dist', 'apps', 'omnichannel', 'public', 'app.js');
    const builtBefore = statSync(bundle).mtimeMs;
    const now = new Date();
    utimesSync(join(REPO_ROOT, 'apps', 'dashboard-web', 'src', 'index.html'), now, now);
    const replay = run('npm', ['run', '--silent', 'replay', '--', '--help']);
    let done = false;
    void replay.finally(() => (done = true));
    const statuses: number[] = [];
    while (!done) statuses.push((await fetch(`${app.baseUrl}/`).then((r) => r.arrayBuffer().then(() => r))).status);
    expect((await replay).code).toBe(0);
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(builtBefore);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  }, 60_000);
});

describe('npm start', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'omnichannel-npm-start-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the service stops when npm is killed with SIGKILL (npm cannot pass that on)', async () => {
    const port = await freePort();
    const health = `http://127.0.0.1:${port}/health`;
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^OMNICHANNEL_|^npm_/.test(name)));
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: REPO_ROOT,
      env: { ...env, PORT: String(port), OMNICHANNEL_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    try {
      await pollUntil('the service to answer', () => fetch(health).then((r) => (r.ok ? true : undefined)), {
        timeoutMs: 60_000,
      });
    } finally {
      npm.kill('SIGKILL');
    }
    await pollUntil(
      'the service to stop',
      () =>
        fetch(health).then(
          () => undefined,
          () => true,
        ),
      {
        timeoutMs: 15_000,
      },
    );
  }, 90_000);
});
