import { Browser, Page, chromium } from 'playwright-core';
import { AppProcess, stopAndClean } from '../support/app-process';
import { createQueue, createWorkstream, startConversation, uniqueId } from '../support/fixtures';

/**
 * Issue 22: the supervisor's page works under its Content-Security-Policy (its own bundled script and style
 * sheet, nothing inline): it goes live, fills its tables and draws its chart, and the browser blocks nothing.
 * And another site cannot frame it.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIVE_MS = 5_000;

let app: AppProcess;
let browser: Browser;
let page: Page;
/** What the browser refused under the policy, or any script error. */
const problems: string[] = [];

beforeAll(async () => {
  app = await AppProcess.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (event) => " +
      'console.error(`Refused to load (CSP ${event.violatedDirective}): ${event.blockedURI}`));',
  });
});

afterAll(async () => {
  await browser?.close();
  await stopAndClean(app);
});

const shows = (locator: ReturnType<Page['locator']>) => locator.waitFor({ state: 'visible', timeout: LIVE_MS });

it('goes live, shows the queues and draws the chart under its CSP, with nothing refused', async () => {
  const queueId = await createQueue(app, uniqueId('csp'));
  const workstreamId = await createWorkstream(app, { channel: 'sms', distribution: 'pick', capacityUnits: 1 });
  await startConversation(app, { channel: 'sms', workstreamId, queueId });

  const response = await page.goto(app.baseUrl + '/');
  expect(response?.status()).toBe(200);
  const csp = (await response!.allHeaders())['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  await shows(page.locator('#connection[data-state="live"]'));
  await shows(page.locator(`tr[data-queue-id="${queueId}"] [data-field="waiting"]`, { hasText: /^1$/ }));
  await shows(page.locator('#chart .uplot'));
  // The styles applied: the bundled sheet loaded (a page without it lays the header out as plain inline text).
  expect(await page.locator('header').evaluate((el) => (globalThis as any).getComputedStyle(el).display)).not.toBe(
    'inline',
  );
  expect(problems).toEqual([]);
});

it('cannot be framed by another site', async () => {
  const framing = await browser.newPage();
  try {
    await framing.setContent(`<iframe id="f" src="${app.baseUrl}/"></iframe>`);
    const frame = await (await framing.$('#f'))!.contentFrame();
    // Blocked: the frame stays empty (chrome-error or about:blank), the page's header never appears in it.
    await framing.waitForLoadState('load');
    expect(await frame?.locator('header h1').count()).toBe(0);
  } finally {
    await framing.close();
  }
});
