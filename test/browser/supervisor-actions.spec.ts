import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { AppProcess, REPO_ROOT, stopAndClean } from '../support/app-process';
import { command, createAgent, createQueue, createWorkstream, startConversation, uniqueId } from '../support/fixtures';

/**
 * Issue 21 in a real browser: a supervisor assigns, transfers and force-closes from the conversation panel,
 * applies one action to a bulk selection and signs an agent out from the agents list; the page follows each
 * change live, without a reload.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'artifacts');
/** Updates are pushed at most a second after the read models change; this leaves room for a busy machine. */
const LIVE_MS = 8_000;

let app: AppProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await AppProcess.start({
    env: { OMNICHANNEL_TEST_CLOCK: 'manual', OMNICHANNEL_TEST_CLOCK_START: '2026-11-21T10:00:00.000Z' },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
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
/** An option of a closed select is never visible: it is offered once it is there. */
const offers = (locator: ReturnType<Page['locator']>) => locator.waitFor({ state: 'attached', timeout: LIVE_MS });

it('assign, transfer, force-close, bulk and sign-out from the page, each seen live', async () => {
  const queueId = await createQueue(app, uniqueId('support'));
  const billing = await createQueue(app, uniqueId('billing'));
  const workstreamId = await createWorkstream(app, { channel: 'sms', distribution: 'pick', capacityUnits: 1 });
  const ann = await createAgent(app, { id: uniqueId('ann'), capacityUnits: 1, queueIds: [queueId] });
  const bob = await createAgent(app, { id: uniqueId('bob'), capacityUnits: 2, queueIds: [queueId] });
  const route = { channel: 'sms' as const, workstreamId, queueId };

  await page.goto(app.baseUrl + '/');
  await shows(page.locator('#connection[data-state="live"]'));
  await page.evaluate(() => ((globalThis as any).notReloaded = true));
  // Without authentication the page names the supervisor who acts.
  await page.locator('#acting-as').fill('sup-ui');

  // Assign an open conversation to Ann from its panel.
  const { conversationId } = await startConversation(app, route);
  await shows(statusCell(conversationId, 'open'));
  await page.locator(`tr[data-conversation-id="${conversationId}"] td.id`).first().click();
  await shows(page.locator('#action-assign'));
  await offers(page.locator(`#action-agent option[value="${ann}"]`, { hasText: '1 free of 1 · available' }));
  await page.locator('#action-agent').selectOption(ann);
  await page.locator('#action-reason').fill('VIP customer');
  await page.locator('#action-assign').click();
  await shows(page.locator('#action-outcome[data-outcome="ok"]', { hasText: 'Assigned' }));
  await shows(statusCell(conversationId, 'active, not yet accepted'));
  await shows(usedUnits(ann, 1));
  await shows(page.locator('#timeline li[data-type="conversation.assigned"]', { hasText: 'supervisor sup-ui' }));

  // Ann accepts; the supervisor transfers it to Bob, who is offered it; Ann's unit is freed.
  await command(app, conversationId, 'accept', ann);
  await shows(statusCell(conversationId, 'active'));
  await shows(page.locator('#action-transfer-agent'));
  await offers(page.locator(`#action-agent option[value="${bob}"]`));
  await page.locator('#action-agent').selectOption(bob);
  await page.locator('#action-transfer-agent').click();
  await shows(statusCell(conversationId, 'active, not yet accepted'));
  await shows(usedUnits(ann, 0));
  await shows(usedUnits(bob, 1));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'supervisor-actions.png'), fullPage: true });

  // Force-close asks for a reason and a confirmation, then frees Bob's unit.
  await page.locator('#action-reason').fill('');
  await page.locator('#action-force-close').click();
  await shows(page.locator('#action-outcome[data-outcome="refused"]', { hasText: 'reason is required' }));
  await page.locator('#action-reason').fill('customer asked by phone');
  await page.locator('#action-force-close').click();
  await shows(page.locator('#force-close-confirm'));
  await page.locator('#force-close-yes').click();
  await shows(statusCell(conversationId, 'closed'));
  await shows(usedUnits(bob, 0));
  await shows(page.locator('#timeline li[data-type="conversation.closed"]', { hasText: 'customer asked by phone' }));
  await page.locator('#detail-close').click();

  // Bulk: transfer two open ones and the closed one to Billing: two done, one refused (409), each said.
  const second = (await startConversation(app, route)).conversationId;
  const third = (await startConversation(app, route)).conversationId;
  for (const id of [second, third, conversationId]) {
    await shows(page.locator(`[data-select="${id}"]`));
    await page.locator(`[data-select="${id}"]`).check();
  }
  await shows(page.locator('#bulk-count', { hasText: '3 selected' }));
  await page.locator('#bulk-action').selectOption('force-close');
  await page.locator('#bulk-reason').fill('duplicate contacts');
  await page.locator('#bulk-apply').click();
  await shows(page.locator('#bulk-yes', { hasText: 'Yes, force-close 3' }));
  await page.locator('#bulk-yes').click();
  await shows(page.locator('#bulk-summary', { hasText: '2 of 3 done' }));
  await shows(page.locator(`#bulk-results [data-result="${second}"][data-status="200"]`));
  await shows(page.locator(`#bulk-results [data-result="${third}"][data-status="200"]`));
  await shows(
    page.locator(`#bulk-results [data-result="${conversationId}"][data-status="409"]`, { hasText: 'closed' }),
  );
  await shows(statusCell(second, 'closed'));
  await shows(statusCell(third, 'closed'));
  // The refused one stays ticked, to try again.
  expect(await page.locator(`[data-select="${conversationId}"]`).isChecked()).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, 'supervisor-bulk.png'), fullPage: true });

  // A bulk transfer to another queue, seen live too.
  await page.locator('#bulk-clear').click();
  const fourth = (await startConversation(app, route)).conversationId;
  await shows(page.locator(`[data-select="${fourth}"]`));
  await page.locator(`[data-select="${fourth}"]`).check();
  await command(app, fourth, 'pick', bob);
  await shows(statusCell(fourth, 'active'));
  await page.locator('#bulk-action').selectOption('transfer-queue');
  await offers(page.locator(`#bulk-queue option[value="${billing}"]`));
  await page.locator('#bulk-queue').selectOption(billing);
  await page.locator('#bulk-apply').click();
  await shows(page.locator('#bulk-summary', { hasText: '1 of 1 done' }));
  await shows(statusCell(fourth, 'open'));

  // Sign Bob out from the agents list: confirm, then offline.
  await page.locator(`[data-sign-out="${bob}"]`).click();
  await page.locator(`[data-sign-out="${bob}"]`, { hasText: 'out?' }).click();
  await shows(page.locator('#agents-outcome', { hasText: 'signed out' }));
  await shows(page.locator(`tr[data-agent-id="${bob}"] .badge.offline`));

  expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
});
