import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, freePort } from '../support/app-process';

/**
 * Issue 24: the README's walkthrough is run as a newcomer would paste it. Its bash blocks (between the
 * `walkthrough:begin` and `walkthrough:end` markers) run in one bash, in the repository, with `npm start` on a
 * free port instead of 3000; what they print must be the README's text blocks. Times are the service clock's,
 * so every ISO-8601 time is compared as `<time>`; everything else (ids, positions, counts) must match exactly,
 * which the fresh store the walkthrough starts with makes possible.
 */

const README_PORT = 'localhost:3000';
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;

interface Walkthrough {
  script: string;
  expected: string;
}

/** The fenced blocks of the README between the walkthrough markers: bash to run, text to expect. */
const readWalkthrough = (markdown: string): Walkthrough => {
  const begin = markdown.indexOf('<!-- walkthrough:begin');
  const end = markdown.indexOf('<!-- walkthrough:end');
  if (begin < 0 || end < begin) throw new Error('README.md has no walkthrough:begin ... walkthrough:end section');
  const blocks = [...markdown.slice(begin, end).matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)];
  const of = (language: string) =>
    blocks
      .filter(([, lang]) => lang === language)
      .map(([, , body]) => body)
      .join('');
  return { script: of('bash'), expected: of('text') };
};

/** The bash block right after the token example's marker. */
const readTokenExample = (markdown: string): string => {
  const marker = markdown.indexOf('<!-- token-example');
  const block = /^```bash\n([\s\S]*?)^```$/m.exec(markdown.slice(marker));
  if (marker < 0 || !block) throw new Error('README.md has no token-example block');
  return block[1];
};

const normalise = (output: string) => output.replace(ISO_TIME, '<time>');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const runBash = (script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    // Its own process group, so that whatever it leaves behind can be stopped if it overruns.
    const child = spawn('bash', ['-c', script], { cwd: REPO_ROOT, env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`the walkthrough did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

/** A newcomer's shell: none of this machine's service settings, the walkthrough's port, its own temp folder. */
const newcomerEnv = (port: number, tmp: string): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(OMNICHANNEL_|KAFKA_BROKERS$|EVENTSTORE_|LOG_|npm_|PORT$)/.test(name),
    ),
  );
  return { ...env, PORT: String(port), TMPDIR: tmp, NO_COLOR: '1' };
};

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

describe('the README walkthrough', () => {
  const walkthrough = readWalkthrough(readme);
  let tmp: string;

  beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'omnichannel-walkthrough-'))));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('starts, sets up, requests, picks, ends and closes a conversation, and shows it', () => {
    expect(walkthrough.script).toContain('npm start');
    expect(walkthrough.script).toContain('/channel-events');
    expect(walkthrough.script).toMatch(/kill \$SERVICE/);
    expect(walkthrough.expected.split('\n').length).toBeGreaterThan(10);
  });

  it('prints what the README shows, and stopping npm start stops the service', async () => {
    const port = await freePort();
    const script = walkthrough.script.replaceAll(README_PORT, `localhost:${port}`);
    const run = await runBash(script, newcomerEnv(port, tmp), 120_000);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(normalise(run.stdout)).toEqual(normalise(walkthrough.expected));
    // `kill` went to npm; the server it started is gone with it, port and all.
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 150_000);
});

describe("the README's development token example", () => {
  let tmp: string;
  beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'omnichannel-token-example-'))));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs pasted as a block: it waits for the service, and the service stays on loopback', async () => {
    const port = await freePort();
    // Then, as the reader would: look at the service's access (its details are an admin's), and stop what was started.
    const script = `${readTokenExample(readme)}curl -s -w '\\n' -H "Authorization: Bearer $ADMIN" localhost:3000/health\nkill $!\nwait $!\n`;
    const env = { ...newcomerEnv(port, tmp), OMNICHANNEL_DATA_DIR: join(tmp, 'data'), LOG_LEVEL: 'silent' };
    const run = await runBash(script.replaceAll(README_PORT, `localhost:${port}`), env, 120_000);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // The answers, without what npm start prints about itself.
    const answers = run.stdout.split('\n').filter((line) => line.startsWith('{'));
    const [agent, presence, capacity, health] = answers.map((line) => JSON.parse(line));
    expect(agent).toMatchObject({ id: 'a1', name: 'Ann' });
    expect(presence).toMatchObject({ agentId: 'a1', status: 'available' });
    expect(capacity).toMatchObject({ agentId: 'a1', totalUnits: 3, freeUnits: 3 });
    expect(health.access).toMatchObject({ authentication: expect.stringContaining('secret'), listening: '127.0.0.1' });
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 150_000);
});
