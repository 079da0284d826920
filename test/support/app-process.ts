import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Runs the BUILT service (`npm run build` first) as a real child process, the way it runs in
 * production: its own port, its own data directory, its own environment.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');
/** The built entry point; `OMNICHANNEL_E2E_MAIN_JS` points the suites at another build. */
const MAIN_JS = process.env.OMNICHANNEL_E2E_MAIN_JS || join(REPO_ROOT, 'dist', 'apps', 'omnichannel', 'src', 'main.js');

const HEALTH_DEADLINE_MS = 20_000;
/** Longer than the service's own 10 s X-Min-Position wait, which a graceful stop lets finish. */
const EXIT_DEADLINE_MS = 15_000;
const POLL_INTERVAL_MS = 25;
/** Only the tail of the child's output is kept for diagnostics. */
const MAX_OUTPUT_CHARS = 200_000;

export interface StartOptions {
  /** Reuse a data directory (restarts); default: a fresh temporary one. */
  dataDir?: string;
  /** Extra environment, e.g. `{ OMNICHANNEL_TEST_CLOCK: 'manual' }`. */
  env?: Record<string, string>;
  healthDeadlineMs?: number;
  /** Listen on this port (a restart that clients must find again); default: a free one. */
  port?: number;
}

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  /** `METHOD /path`, for failure messages. */
  request: string;
  headers: Headers;
}

export interface GetOptions {
  /** Read-your-writes: sent as `X-Min-Position`. */
  minPosition?: number;
}

/** Polls `probe` until it returns something other than undefined; throws after the deadline. */
export async function pollUntil<T>(
  description: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10_000, intervalMs = POLL_INTERVAL_MS } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${description}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Asks the OS for a port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port assigned'));
      server.close(() => resolvePort(address.port));
    });
  });
}

export class AppProcess {
  private output = '';
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo?: { code: number | null; signal: NodeJS.Signals | null };

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
    /** True when the harness created the data directory (and so may remove it). */
    private ownsDataDir: boolean,
    readonly env: Record<string, string>,
  ) {
    const capture = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.exited = new Promise((resolveExit) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolveExit(this.exitInfo);
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** What the process printed on stdout and stderr (the tail). */
  get logs(): string {
    return this.output;
  }

  /** Starts the built service and resolves once `GET /health` answers 200. */
  static async start(options: StartOptions = {}): Promise<AppProcess> {
    if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} does not exist: run 'npm run build' first`);
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'omnichannel-e2e-'));
    const port = options.port ?? (await freePort());
    const env = { ...(options.env ?? {}) };
    // No Kafka, no EventStoreDB or PostgreSQL, no inherited test clock or authentication: the embedded store, as `npm start`
    // runs it (a developer's shell may export the OMNICHANNEL_AUTH_* of docs/security.md).
    const {
      KAFKA_BROKERS: _k,
      EVENTSTORE_CONNECTION_STRING: _e,
      OMNICHANNEL_POSTGRES_URL: _p,
      OMNICHANNEL_TEST_CLOCK: _c,
      OMNICHANNEL_TEST_CLOCK_START: _s,
      ...rest
    } = process.env;
    const inherited = Object.fromEntries(
      Object.entries(rest).filter(([name]) => !/^OMNICHANNEL_(AUTH_|LISTEN_HOST|ALLOW_UNAUTHENTICATED)/.test(name)),
    );
    const child = spawn(process.execPath, [MAIN_JS], {
      cwd: REPO_ROOT,
      env: { ...inherited, NO_COLOR: '1', ...env, PORT: String(port), OMNICHANNEL_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child, port, dataDir, ownsDataDir, env);
    try {
      await app.waitForHealth(options.healthDeadlineMs ?? HEALTH_DEADLINE_MS);
    } catch (error) {
      if (app.running) await app.kill9();
      throw new Error(`${(error as Error).message}\n--- service output ---\n${app.logs}`, { cause: error });
    }
    return app;
  }

  /** Starts a new process on the same data directory (and environment, unless overridden). */
  async restart(env: Record<string, string> = {}, { samePort = false } = {}): Promise<AppProcess> {
    if (this.running) throw new Error('stop or kill the process before restarting it');
    const next = await AppProcess.start({
      dataDir: this.dataDir,
      env: { ...this.env, ...env },
      ...(samePort && { port: this.port }),
    });
    // The data directory now belongs to the new process (removeDataDir on it cleans up).
    next.ownsDataDir = this.ownsDataDir;
    return next;
  }

  private async waitForHealth(deadlineMs: number): Promise<void> {
    await pollUntil(
      `GET /health = 200 on port ${this.port}`,
      async () => {
        if (!this.running) throw new Error(`the service exited early (${JSON.stringify(this.exitInfo)})`);
        const response = await fetch(`${this.baseUrl}/health`).catch(() => undefined);
        if (response) await response.arrayBuffer();
        return response?.status === 200 ? true : undefined;
      },
      { timeoutMs: deadlineMs },
    ).catch((error: Error) => {
      // An early exit is final: report it rather than the timeout.
      throw this.running
        ? error
        : new Error(`the service exited before it was healthy (${JSON.stringify(this.exitInfo)})`);
    });
  }

  /** SIGTERM, then waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.terminate('SIGTERM');
  }

  /** SIGKILL (`kill -9`), then waits for the exit. */
  kill9(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.terminate('SIGKILL');
  }

  private async terminate(signal: NodeJS.Signals) {
    if (process.env.E2E_SHOW_LOGS)
      process.stdout.write(`--- service on port ${this.port} (${signal}) ---\n${this.logs}\n`);
    if (this.running) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`process ${this.pid} did not exit within ${EXIT_DEADLINE_MS} ms of ${signal}\n${this.logs}`),
          ),
        EXIT_DEADLINE_MS,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } catch (error) {
      this.child.kill('SIGKILL');
      await this.exited;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Removes the data directory if the harness created it. Call once the process is gone for good. */
  removeDataDir(): void {
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  // ---- a tiny HTTP client ----

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, request: `${method} ${path}`, headers: response.headers };
  }

  put<T = any>(path: string, body: unknown): Promise<HttpResponse<T>> {
    return this.request<T>('PUT', path, body);
  }

  post<T = any>(path: string, body: unknown = {}): Promise<HttpResponse<T>> {
    return this.request<T>('POST', path, body);
  }

  get<T = any>(path: string, options: GetOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> =
      options.minPosition === undefined ? {} : { 'x-min-position': String(options.minPosition) };
    return this.request<T>('GET', path, undefined, headers);
  }
}

/**
 * Returns the body when the answer has the expected status; otherwise fails with the request,
 * the status and the body (which plain `expect(status).toBe()` would not show).
 */
export function expectStatus<T>(response: HttpResponse<T>, status: number): T {
  if (response.status !== status) {
    throw new Error(
      `${response.request} answered ${response.status}, expected ${status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** afterAll of a suite: stops the app if it still runs and removes its data directory, even if stopping fails. */
export async function stopAndClean(app: AppProcess | undefined): Promise<void> {
  try {
    if (app?.running) await app.stop();
  } finally {
    app?.removeDataDir();
  }
}
