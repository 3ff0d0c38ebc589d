import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS_DIR } from '../support/browser.js';

/** The width of a phone (iPhone 12-15), for the pages that must work there. */
export const PHONE = { width: 390, height: 844 };

/**
 * How long a message or status change may take to show on the other party's page (the issue's
 * "within a second"): the wait for the element, not a measurement.
 */
export const LIVE_TIMEOUT_MS = 1_000;

/** A page in a context of its own (its own sessionStorage): one person at one browser. */
export async function newPerson(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  // Records what the Content-Security-Policy blocks (cspViolations): a strict policy must block nothing of ours.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const page = await context.newPage();
  return { context, page };
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('API key or admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Opens an order by kind and id, as a buyer does (their list holds only sales), and waits for its stream. */
export async function openOrder(page: Page, kind: string, id: number): Promise<void> {
  await page.getByLabel('Kind', { exact: true }).first().waitFor();
  await page.locator('#open-kind').selectOption(kind);
  await page.locator('#open-id').fill(String(id));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await waitLive(page);
}

type Person = { context: BrowserContext; page: Page };
/** A key, and optionally a screen size and another address of the same server (a relay). */
type Seat = { token: string; viewport?: { width: number; height: number }; baseUrl?: string };

/** Two people at their own browsers, signed in with their keys, on one order's page with its stream open. */
export async function onOrderPage(browser: Browser, baseUrl: string, kind: string, id: number, first: Seat, second: Seat): Promise<[Person, Person]> {
  const seat = async ({ token, viewport, baseUrl: via }: Seat) => {
    const person = await newPerson(browser, viewport);
    await signIn(person.page, via ?? baseUrl, token);
    await openOrder(person.page, kind, id);
    return person;
  };
  return Promise.all([seat(first), seat(second)]);
}

export async function waitLive(page: Page): Promise<void> {
  await page.getByTestId('live-state').filter({ hasText: /^Live$/ }).waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

export function messageIn(page: Page, text: string) {
  return page.getByTestId('thread').locator('li', { hasText: text });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `console-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
