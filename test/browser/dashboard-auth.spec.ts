import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { AppProcess, REPO_ROOT, expectStatus, stopAndClean } from '../support/app-process';
import { AUTH_ENV, as, token } from '../support/auth';
import { requested, uniqueId, workstreamBody } from '../support/fixtures';

/**
 * The supervisor's page with authentication configured: the page loads without a token, asks for one, and shows
 * the data only to a token with the supervisor role, sent in a header (the stream's too), never in a URL.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'artifacts');
/** Updates are pushed at most a second after the read models change; this leaves room for a busy machine. */
const LIVE_MS = 5_000;

let app: AppProcess;
let browser: Browser;
let page: Page;
let supervisor: string;
/** Every request the page made: its URL and Authorization header. */
const requests: { url: string; authorization?: string }[] = [];

beforeAll(async () => {
  app = await AppProcess.start({ env: AUTH_ENV });
  supervisor = await token({ roles: ['supervisor'], sub: 'sup-1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('request', (request) =>
    requests.push({ url: request.url(), authorization: request.headers().authorization }),
  );
});

afterAll(async () => {
  await browser?.close();
  await stopAndClean(app);
});

const shows = (locator: ReturnType<Page['locator']>) => locator.waitFor({ state: 'visible', timeout: LIVE_MS });
const signIn = async (bearer: string) => {
  await page.locator('#signin-token').fill(bearer);
  await page.locator('#signin button[type="submit"]').click();
};

it('asks for a token, refuses one without the supervisor role, and shows live data to a supervisor', async () => {
  const admin = as(app, await token({ roles: ['admin'], sub: 'admin-1' }));
  const queueId = uniqueId('support');
  const workstreamId = uniqueId('ws');
  expectStatus(await admin.put(`/queues/${queueId}`, { name: 'Support' }), 200);
  expectStatus(await admin.put(`/workstreams/${workstreamId}`, workstreamBody({ distribution: 'pick' })), 200);

  expect((await page.goto(app.baseUrl + '/'))?.status()).toBe(200);
  await shows(page.locator('#signin-reason', { hasText: 'needs a bearer token' }));
  expect(await page.locator('main').isHidden()).toBe(true);

  await signIn(await token({ roles: ['agent'], sub: 'a1' }));
  await shows(page.locator('#signin-reason', { hasText: 'This token may not see this page' }));
  expect(await page.locator('main').isHidden()).toBe(true);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-sign-in.png') });

  await signIn(supervisor);
  await shows(page.locator('#connection[data-state="live"]'));
  await shows(page.locator('#signout'));
  await shows(page.locator(`tr[data-queue-id="${queueId}"]`));
  await page.evaluate(() => ((globalThis as any).notReloaded = true));

  const conversationId = uniqueId('conv');
  const channel = as(app, await token({ roles: ['channel'], sub: 'web-chat' }));
  expectStatus(
    await channel.post('/channel-events', requested(conversationId, { channel: 'live_chat', workstreamId, queueId })),
    202,
  );
  await shows(
    page.locator(`tr[data-conversation-id="${conversationId}"] [data-field="status"]`, { hasText: /^open$/ }),
  );
  await shows(page.locator(`tr[data-queue-id="${queueId}"] [data-field="waiting"]`, { hasText: /^1$/ }));
  expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-signed-in.png'), fullPage: true });

  const stream = requests.filter((r) => r.url.endsWith('/statistics/stream'));
  expect(stream.at(-1)?.authorization).toBe(`Bearer ${supervisor}`);
  expect(requests.filter((r) => r.url.includes(supervisor.split('.')[2]))).toEqual([]);
});

it('signs out: the token is forgotten and the sign-in form is back', async () => {
  await page.locator('#signout').click();
  await shows(page.locator('#signin-reason', { hasText: 'needs a bearer token' }));
  expect(await page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
  expect(await page.locator('#signout').isHidden()).toBe(true);
});
