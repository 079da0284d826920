import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { AppProcess, REPO_ROOT, expectStatus, stopAndClean } from '../support/app-process';
import {
  command,
  createAgent,
  createQueue,
  createWorkstream,
  customerMessage,
  send,
  startConversation,
  uniqueId,
} from '../support/fixtures';

/**
 * The supervisor's page in a real browser (Debian's chromium, driven by playwright-core): everything below
 * happens through the API while the page stays open, and the page must follow without a reload.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'artifacts');
/** Updates are pushed at most a second after the read models change; this leaves room for a busy machine. */
const LIVE_MS = 5_000;

let app: AppProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await AppProcess.start({
    env: { OMNICHANNEL_TEST_CLOCK: 'manual', OMNICHANNEL_TEST_CLOCK_START: '2026-11-21T10:00:00.000Z' },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
});

afterAll(async () => {
  await browser?.close();
  await stopAndClean(app);
});

const statusCell = (conversationId: string, label: string) =>
  page.locator(`tr[data-conversation-id="${conversationId}"] [data-field="status"]`, {
    hasText: new RegExp(`^${label}$`),
  });
const usedUnits = (agentId: string, used: number) =>
  page.locator(`tr[data-agent-id="${agentId}"] [data-field="used"]`, { hasText: new RegExp(`^${used}$`) });
const shows = (locator: ReturnType<Page['locator']>) => locator.waitFor({ state: 'visible', timeout: LIVE_MS });

it('follows a conversation from arrival to close, live, and opens its timeline', async () => {
  const queueId = await createQueue(app, uniqueId('support'));
  const workstreamId = await createWorkstream(app, { channel: 'live_chat', distribution: 'push', capacityUnits: 1 });
  // Offline at first: the conversation waits in the queue until the agent signs in.
  const agentId = await createAgent(app, { capacityUnits: 2, queueIds: [queueId], presence: 'offline' });

  const response = await page.goto(app.baseUrl + '/');
  expect(response?.status()).toBe(200);
  await shows(page.locator('#connection[data-state="live"]'));
  await shows(page.locator(`tr[data-queue-id="${queueId}"]`));
  // Without authentication nothing is said about tokens.
  expect(await page.locator('#signin').isHidden()).toBe(true);
  expect(await page.locator('#signout').isHidden()).toBe(true);
  // Survives only as long as the page is never reloaded.
  await page.evaluate(() => ((globalThis as any).notReloaded = true));

  const { conversationId } = await startConversation(app, { channel: 'live_chat', workstreamId, queueId });
  await send(app, customerMessage(conversationId, 'Hello, my parcel has not arrived'));
  await shows(statusCell(conversationId, 'open'));
  await shows(page.locator(`tr[data-queue-id="${queueId}"] [data-field="waiting"]`, { hasText: /^1$/ }));
  await shows(usedUnits(agentId, 0));

  await app.post('/test/clock/advance', { seconds: 12 });
  expectStatus(await app.put(`/agents/${agentId}/presence`, { status: 'available' }), 200);
  await shows(statusCell(conversationId, 'active, not yet accepted'));
  await shows(usedUnits(agentId, 1));
  await shows(page.locator(`tr[data-queue-id="${queueId}"] [data-field="assigned"]`, { hasText: /^1$/ }));

  await command(app, conversationId, 'accept', agentId);
  await shows(statusCell(conversationId, 'active'));
  await command(app, conversationId, 'messages', agentId, { text: 'Let me check that for you.' });
  await command(app, conversationId, 'end', agentId);
  await shows(statusCell(conversationId, 'wrap-up'));
  await shows(page.locator(`tr[data-agent-id="${agentId}"] [data-field="holds"]`, { hasText: 'wrap-up' }));

  await command(app, conversationId, 'close-session', agentId);
  await shows(statusCell(conversationId, 'closed'));
  await shows(usedUnits(agentId, 0));

  await page.locator(`tr[data-conversation-id="${conversationId}"]`).click();
  await shows(page.locator('#timeline li[data-type="conversation.closed"]'));
  expect(await page.locator('#timeline li').allTextContents()).toEqual(
    expect.arrayContaining([
      expect.stringContaining('conversation.requested'),
      expect.stringContaining('conversation.assigned'),
      expect.stringContaining('conversation.accepted'),
      expect.stringContaining('conversation.ended'),
    ]),
  );
  await shows(page.locator('#transcript li', { hasText: 'my parcel has not arrived' }));
  await shows(page.locator('#transcript li', { hasText: 'Let me check that for you.' }));
  expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);

  // A few more conversations waiting elsewhere, so the screenshot shows a queue under load.
  const busyQueue = await createQueue(app, uniqueId('billing'));
  const pick = await createWorkstream(app, { channel: 'sms', distribution: 'pick', capacityUnits: 1 });
  for (let i = 0; i < 4; i++) {
    await startConversation(app, { channel: 'sms', workstreamId: pick, queueId: busyQueue });
    await app.post('/test/clock/advance', { seconds: 7 });
  }
  await shows(page.locator(`tr[data-queue-id="${busyQueue}"] [data-field="waiting"]`, { hasText: /^4$/ }));
  await shows(page.locator('#chart .uplot'));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
});

it('reconnects by itself when the service comes back, and goes on updating', async () => {
  if (page.url() === 'about:blank') await page.goto(app.baseUrl + '/');
  await shows(page.locator('#connection[data-state="live"]'));
  await page.evaluate(() => ((globalThis as any).notReloaded = true));
  await app.stop();
  await shows(page.locator('#connection[data-state="reconnecting"]'));
  app = await app.restart({}, { samePort: true });
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });

  const queueId = await createQueue(app, uniqueId('after-restart'));
  const workstreamId = await createWorkstream(app, { channel: 'sms', distribution: 'pick' });
  const { conversationId } = await startConversation(app, { channel: 'sms', workstreamId, queueId });
  await shows(statusCell(conversationId, 'open'));
  expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
});
