import { AppProcess, REPO_ROOT, expectStatus, pollUntil, stopAndClean } from '../support/app-process';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { JWTPayload, SignJWT } from 'jose';
import { AUDIENCE, AUTH_ENV, ISSUER, SECRET, as, storeHead, token } from '../support/auth';
import { uniqueId } from '../support/fixtures';

/** Issue 22 items 2, 3, 5 and 6, with authentication on (a shared secret) unless a test says otherwise. */

const MAIN_JS = process.env.OMNICHANNEL_E2E_MAIN_JS || join(REPO_ROOT, 'dist', 'apps', 'omnichannel', 'src', 'main.js');

let app: AppProcess;
beforeAll(async () => {
  app = await AppProcess.start({ env: AUTH_ENV });
});
afterAll(() => stopAndClean(app));

describe('the statistics stream', () => {
  it('ends when the token that opened it expires (with the clock skew)', async () => {
    // Expired 28 s ago: accepted for 2 s more within the 30 s skew.
    const expiring = await token({ roles: ['supervisor'], sub: 'sup-1', expiresIn: -28 });
    const abort = new AbortController();
    const response = await fetch(`${app.baseUrl}/statistics/stream`, {
      headers: { authorization: `Bearer ${expiring}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const deadline = setTimeout(() => abort.abort(), 15_000);
    let received = 0;
    try {
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
        received++;
      }
    } catch {
      throw new Error('the stream outlived its token by more than 13 s');
    } finally {
      clearTimeout(deadline);
    }
    expect(received).toBeGreaterThan(0);
    expect((await as(app, expiring).get('/statistics/queues')).status).toBe(401);
  });
});

describe('the principal id', () => {
  it.each([
    ['an object', { evil: 1 }],
    ['an array', ['a', 'b']],
    ['null', null],
    ['empty', ''],
    ['9 KB with NUL and right-to-left characters', `${'x'.repeat(9000)}\u0000\u202Eevil`],
  ])('refuses a sub that is %s with 401, and writes nothing', async (_name, sub) => {
    const bad = await new SignJWT({ roles: ['admin', 'supervisor'], sub } as JWTPayload)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const head = storeHead(app.dataDir);
    const response = await as(app, bad).put(`/queues/${uniqueId('q')}`, { name: 'Q' });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, message: expect.stringContaining('sub') });
    expect((await as(app, bad).get('/conversations')).status).toBe(401);
    expect(storeHead(app.dataDir)).toBe(head);
  });
});

describe('logs', () => {
  it('never keep a token sent in the query string', async () => {
    const secret = await token({ roles: ['supervisor'], sub: 'sup-1' });
    const response = await app.get(`/statistics/conversations?access_token=${secret}&limit=1`);
    expect(response.status).toBe(401);
    const line = await pollUntil('the request logged', () =>
      app.logs.split('\n').find((l) => l.includes('/statistics/conversations?')),
    );
    expect(line).toContain('access_token=[REDACTED]');
    expect(app.logs).not.toContain(secret);
    expect(app.logs).not.toContain(secret.split('.')[1]);
  });
});

describe('headers', () => {
  it.each(['/', '/dashboard/app.js', '/health', '/conversations'])(
    '%s: no X-Powered-By; a CSP without inline script, no framing, no sniffing',
    async (path) => {
      const response = await app.get(path);
      expect(response.headers.get('x-powered-by')).toBeNull();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    },
  );
});

describe('/health with authentication on', () => {
  it('answers 200 with the status only without a token, the details to an admin', async () => {
    const anonymous = expectStatus(await app.get('/health'), 200);
    expect(anonymous).toEqual({ status: 'ok', access: { authentication: 'bearer JWT' } });
    const supervisor = await token({ roles: ['supervisor'], sub: 'sup-1' });
    expect(expectStatus(await as(app, supervisor).get('/health'), 200)).toEqual(anonymous);
    expect(expectStatus(await as(app, 'not-a-token').get('/health'), 200)).toEqual(anonymous);
    const admin = await token({ roles: ['admin'], sub: 'admin-1' });
    expect(expectStatus(await as(app, admin).get('/health'), 200)).toMatchObject({
      status: 'ok',
      readModelsPosition: expect.any(Number),
      components: expect.any(Object),
      access: { authentication: 'bearer JWT (secret)' },
    });
  });
});

describe('start-up', () => {
  it('refuses a public key configured with a symmetric algorithm', () => {
    const env = {
      ...process.env,
      OMNICHANNEL_AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----',
      OMNICHANNEL_AUTH_PUBLIC_KEY_ALGORITHM: 'HS256',
      OMNICHANNEL_AUTH_ISSUER: AUTH_ENV.OMNICHANNEL_AUTH_ISSUER,
      OMNICHANNEL_AUTH_AUDIENCE: AUTH_ENV.OMNICHANNEL_AUTH_AUDIENCE,
      OMNICHANNEL_AUTH_SECRET: '',
      OMNICHANNEL_AUTH_JWKS_URL: '',
      PORT: '0',
    };
    // It must exit by itself, at once; the timeout only bounds a failure.
    const run = spawnSync(process.execPath, [MAIN_JS], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.signal).toBeNull();
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/OMNICHANNEL_AUTH_PUBLIC_KEY_ALGORITHM must be one of/);
  });

  it('warns, even at LOG_LEVEL=warn, when it listens beyond loopback without authentication', async () => {
    const open = await AppProcess.start({
      env: { OMNICHANNEL_LISTEN_HOST: '0.0.0.0', OMNICHANNEL_ALLOW_UNAUTHENTICATED: 'true', LOG_LEVEL: 'warn' },
    });
    try {
      await pollUntil('the warning', () => (open.logs.includes('listening on 0.0.0.0') ? true : undefined));
      expect(open.logs).toContain('every caller is trusted');
    } finally {
      await stopAndClean(open);
    }
  });
});
