import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';
import { startTestParley, type TestParley } from '../support/parley.js';

let launched: LaunchedBrowser;
let browser: Browser;
let sandbox: TestParley;
let production: TestParley;
/** A page on another origin (another port), as a web app calling Parley would be. */
let otherOrigin: http.Server;
let otherUrl: string;

beforeAll(async () => {
  [launched, sandbox, production] = await Promise.all([launchChromium(), startTestParley(), startTestParley({ PARLEY_ENV: 'production' })]);
  browser = launched.browser;
  otherOrigin = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>another app</title>'));
  await new Promise<void>((resolve) => otherOrigin.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(otherOrigin.address() as AddressInfo).port}/`;
}, 60_000);
afterAll(async () => {
  await launched?.close();
  await new Promise((resolve) => otherOrigin?.close(resolve));
  await sandbox?.close();
  await production?.close();
});

/** A page that records what the Content-Security-Policy blocks and what the console reports as errors. */
async function watchedPage(): Promise<{ page: Page; violations: string[]; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`));
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, violations, errors };
}

describe('/docs in Chromium', () => {
  it('renders the reference from the served document: the send-message operation, both APIs, the webhook payloads', async () => {
    const { page, violations } = await watchedPage();
    const response = await page.goto(`${sandbox.url}/docs`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    // The operation's summary, as the contract declares it.
    await page.getByRole('heading', { name: 'Send a message to an account order' }).first().waitFor({ timeout: 30_000 });
    const menu = page.locator('.menu-content');
    for (const section of ['GameBoost API (/v2)', 'Operator API (/admin/v1)', 'Webhooks']) {
      await expect(menu.getByText(section, { exact: true }).first().isVisible()).resolves.toBe(true);
    }
    // The webhook payloads are documented: a topic's POST is in the page.
    expect(await page.content()).toContain('order.message.created');
    // The Idempotency-Key parameter of the send is shown.
    expect(await page.content()).toContain('Idempotency-Key');
    await page.close();
    // Nothing of the page is blocked but Redoc's "powered by" logo, which it would load from
    // Redocly's CDN: the policy keeps the page off any other host (Redoc hides the image).
    expect(violations.filter((v) => v !== 'img-src https://cdn.redoc.ly/redoc/logo-mini.svg')).toEqual([]);
  }, 60_000);
});

/** fetch() from a page on another origin: the status, or how the browser refused. */
async function crossOriginFetch(page: Page, url: string, token: string): Promise<string> {
  return page.evaluate(async ([target, key]) => {
    try {
      const res = await fetch(target!, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify({ message: 'from another origin' }) });
      return `${res.status} ${res.headers.get('x-gameboost-request-id') ? 'with request id' : 'without request id'}`;
    } catch (error) {
      return `refused: ${(error as Error).name}`;
    }
  }, [url, token]);
}

describe('a page on another origin calling the API', () => {
  it('succeeds in the sandbox (preflight and all) and reads the exposed headers', async () => {
    const { seller, order } = await sandbox.fixtures.scenario('pending');
    const { page } = await watchedPage();
    await page.goto(otherUrl);
    expect(await crossOriginFetch(page, `${sandbox.url}/v2/account-orders/${order.id}/messages`, seller.token)).toBe('200 with request id');
    await page.close();
  }, 30_000);

  it('is refused by the browser in production (no CORS headers), and nothing is sent', async () => {
    const { seller, order } = await production.fixtures.scenario('pending');
    const { page } = await watchedPage();
    await page.goto(otherUrl);
    expect(await crossOriginFetch(page, `${production.url}/v2/account-orders/${order.id}/messages`, seller.token)).toBe('refused: TypeError');
    await page.close();
    // The preflight failed, so the POST itself never left the browser.
    expect(production.readDb((db) => db.prepare('select count(*) as n from messages where order_id = ?').get(order.id))).toEqual({ n: 0 });
  }, 30_000);
});
