import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildConsoleOnce } from '../../web/build.js';
import { launchChromium, type LaunchedBrowser } from '../support/browser.js';
import { kindCase } from '../support/order-kinds.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { TcpRelay } from '../support/tcp-relay.js';
import { createEndpoint } from '../webhooks/helpers.js';
import { Receiver, waitFor } from '../webhooks/receiver.js';
import { cspViolations, LIVE_TIMEOUT_MS, messageIn, newPerson, onOrderPage, openOrder, PHONE, screenshot, send, signIn, waitLive } from './console-pages.js';

/** Low enough for the countdown test to reach it in a few sends; the other tests' keys stay below it. */
const CHAT_LIMIT = 6;
const ITEM = kindCase('item');

let parley: TestParley;
let launched: LaunchedBrowser;
let browser: Browser;
let receiver: Receiver;

beforeAll(async () => {
  // The server reads the build at start: the build first (alongside the browser's launch).
  [, launched] = await Promise.all([buildConsoleOnce(), launchChromium()]);
  browser = launched.browser;
  parley = await startTestParley({ PARLEY_RATE_LIMIT_CHAT: String(CHAT_LIMIT), PARLEY_WEBHOOK_POLL_MS: '25' });
  receiver = await Receiver.start();
}, 60_000);
afterAll(async () => {
  await launched?.close();
  await receiver?.close();
  await parley?.close();
});

describe('the console in Chromium', () => {
  it('signs in with a key kept in the tab only, and lists the seller\'s orders', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', { title: 'Listed order' }, ITEM);
    const { context, page } = await newPerson(browser);
    await page.goto(`${parley.url}/console`);
    await screenshot(page, 'sign-in');
    // With the keyboard alone: Tab reaches the field (after the skip link and the header's
    // link), Enter submits, and the focused control shows a visible outline.
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Parley console');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('token');
    await page.keyboard.type('not-a-key');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => [document.activeElement?.textContent, getComputedStyle(document.activeElement!).outlineStyle]))
      .toEqual(['Sign in', 'solid']);

    await signIn(page, parley.url, seller.token);
    await page.locator('#kind').selectOption('item');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `#${order.id} Listed order` }) });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      `#${order.id} Listed order`, 'pending', order.buyer.username, order.game.name, order.price_eur.format, expect.any(String),
    ]);
    await screenshot(page, 'order-list');

    // The API's filters: only the delivered one of the seller's two item orders.
    const delivered = await parley.fixtures.order(seller, order.buyer, { status: 'delivered', title: 'Delivered order' }, ITEM);
    await page.getByRole('checkbox', { name: 'delivered' }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('link', { name: `#${delivered.id} Delivered order` }).waitFor();
    expect(await page.getByRole('link', { name: /Listed order/ }).count()).toBe(0);
    expect(await page.locator('caption').textContent()).toBe('1 order, page 1 of 1');

    expect(page.url()).not.toContain(seller.token);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toContain(seller.token);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(seller.token);
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  });

  it('a seller and a buyer in two browsers each see the other\'s messages as they are sent', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending', { title: 'Live chat order' });
    const [sellerSide, buyerSide] = await onOrderPage(browser, parley.url, 'account', order.id, { token: seller.token }, { token: buyer.token, viewport: PHONE });

    const thread = buyerSide.page.getByTestId('thread');
    expect(await thread.getAttribute('aria-live')).toBe('polite');

    // The composer applies the API's rules before sending: blank text and over 10000 code points are refused.
    const sendButton = sellerSide.page.getByRole('button', { name: 'Send', exact: true });
    await sellerSide.page.getByLabel('Message', { exact: true }).fill(' \n\u200b ');
    expect(await sendButton.isDisabled()).toBe(true);
    await sellerSide.page.getByLabel('Message', { exact: true }).fill('😀'.repeat(10_001));
    await sellerSide.page.locator('#message-count').filter({ hasText: '10001 / 10000 characters: too long' }).waitFor();
    expect(await sendButton.isDisabled()).toBe(true);
    await sellerSide.page.getByLabel('Message', { exact: true }).fill('😀'.repeat(10_000));
    expect(await sendButton.isEnabled()).toBe(true);

    await send(sellerSide.page, '  Hello from the seller  ');
    await messageIn(buyerSide.page, 'Hello from the seller').waitFor({ timeout: LIVE_TIMEOUT_MS });
    // The seller sees the account order's credentials panel (none delivered yet); the buyer does not.
    expect(await sellerSide.page.getByRole('heading', { name: 'Credentials' }).isVisible()).toBe(true);
    expect(await buyerSide.page.getByRole('heading', { name: 'Credentials' }).count()).toBe(0);
    // The buyer, on a phone, sends with the keyboard alone; nothing is wider than the screen.
    await buyerSide.page.getByLabel('Message', { exact: true }).fill('Hi seller, the buyer here');
    await buyerSide.page.keyboard.press('Control+Enter');
    expect(await buyerSide.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await messageIn(sellerSide.page, 'Hi seller, the buyer here').waitFor({ timeout: LIVE_TIMEOUT_MS });

    // Each side labels the authors; the sent text was trimmed as the API trims it.
    expect(await messageIn(sellerSide.page, 'Hello from the seller').locator('.who').textContent()).toBe(`Seller ${seller.username}`);
    expect(await messageIn(sellerSide.page, 'Hi seller').locator('.who').textContent()).toBe(`Buyer ${buyer.username}`);
    expect(await messageIn(buyerSide.page, 'Hello from the seller').locator('.text').textContent()).toBe('Hello from the seller');
    // One copy each: the sender's own answer and the stream's echo are the same message.
    expect(await messageIn(sellerSide.page, 'Hello from the seller').count()).toBe(1);

    await screenshot(sellerSide.page, 'order-seller');
    await screenshot(buyerSide.page, 'order-buyer-phone');
    await sellerSide.context.close();
    await buyerSide.context.close();
  });

  it('catches up on what was sent while its connection was down', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending', { title: 'Flaky network order' }, ITEM);
    // The buyer reaches the server through a relay the test can cut, as a lost network would.
    const relay = await TcpRelay.start({ host: '127.0.0.1', port: Number(new URL(parley.url).port) });
    try {
      const [sellerSide, buyerSide] = await onOrderPage(browser, parley.url, 'item', order.id, { token: seller.token }, { token: buyer.token, baseUrl: `http://${relay.url}` });
      const missWhileCut = async (text: string) => {
        await relay.cut();
        await buyerSide.page.getByTestId('live-state').filter({ hasText: 'Reconnecting' }).waitFor();
        await send(sellerSide.page, text);
        await messageIn(sellerSide.page, text).waitFor();
        await relay.restore();
        // EventSource retries by itself after a few seconds.
        await messageIn(buyerSide.page, text).waitFor({ timeout: 15_000 });
        await waitLive(buyerSide.page);
        expect(await messageIn(buyerSide.page, text).count()).toBe(1);
      };
      // A stream that has seen no event has no position to resume from: the page reads the thread.
      await missWhileCut('Sent during the first cut');
      // One that has resumes after its last event id, and the server replays what was missed.
      await send(sellerSide.page, 'Seen live');
      await messageIn(buyerSide.page, 'Seen live').waitFor({ timeout: LIVE_TIMEOUT_MS });
      await missWhileCut('Sent during the second cut');
      expect(await buyerSide.page.getByTestId('thread').locator('li .text').allTextContents())
        .toEqual(['Sent during the first cut', 'Seen live', 'Sent during the second cut']);
      await sellerSide.context.close();
      await buyerSide.context.close();
    } finally {
      await relay.close();
    }
  });

  it('opens a new stream and reads what it missed when the server restarts (reset)', async () => {
    // A server of its own, restarted on the same port and database.
    const first = await startTestParley();
    let second: TestParley | null = null;
    try {
      const { seller, buyer, order } = await first.fixtures.scenario('pending', { title: 'Restarted server order' }, ITEM);
      const [buyerSide, sellerSide] = await onOrderPage(browser, first.url, 'item', order.id, { token: buyer.token }, { token: seller.token });
      await first.close();
      // The closing server told the stream to reset; the page waits and tries again.
      await buyerSide.page.getByTestId('live-state').filter({ hasText: 'Reconnecting' }).waitFor();
      second = await startTestParley({ DATABASE_URL: first.dbFile, PORT: new URL(first.url).port });
      const sent = await second.api.post(`/v2/item-orders/${order.id}/messages`, { message: 'Sent after the restart' }, { token: seller.token });
      expect(sent.status, sent.text).toBe(200);
      await messageIn(buyerSide.page, 'Sent after the restart').waitFor({ timeout: 10_000 });
      await waitLive(buyerSide.page);
      await buyerSide.context.close();
      await sellerSide.context.close();
    } finally {
      await second?.close();
    }
  });

  it('completing the order closes the chat on both sides', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('in_delivery', { title: 'Order to complete' }, ITEM);
    const [sellerSide, buyerSide] = await onOrderPage(browser, parley.url, 'item', order.id, { token: seller.token }, { token: buyer.token, viewport: PHONE });
    const buyerBox = buyerSide.page.getByLabel('Message', { exact: true });
    expect(await buyerBox.isEnabled()).toBe(true);

    await sellerSide.page.getByRole('button', { name: 'Complete order' }).click();
    await sellerSide.page.getByTestId('chat-closed').waitFor();
    expect(await sellerSide.page.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);
    expect(await sellerSide.page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    // The buyer's page learns it from the stream.
    await buyerSide.page.getByTestId('chat-closed').waitFor({ timeout: LIVE_TIMEOUT_MS });
    expect(await buyerBox.isDisabled()).toBe(true);
    expect(await buyerSide.page.getByTestId('order-status').first().textContent()).toBe('delivered');
    await screenshot(sellerSide.page, 'order-completed');
    await sellerSide.context.close();
    await buyerSide.context.close();
  });

  it('shows the rate limit as a countdown from Retry-After', async () => {
    const { seller, order } = await parley.fixtures.scenario('pending', { title: 'Busy order' }, ITEM);
    const { context, page } = await newPerson(browser, PHONE);
    await signIn(page, parley.url, seller.token);
    await openOrder(page, 'item', order.id);
    const countdown = page.getByTestId('rate-limit-countdown');
    // The thread's read counts against the chat limit too: at most CHAT_LIMIT sends reach it.
    for (let n = 1; n <= CHAT_LIMIT && !(await countdown.isVisible()); n++) {
      await send(page, `Message number ${n}`);
      await Promise.race([messageIn(page, `Message number ${n}`).waitFor(), countdown.waitFor()]);
    }
    expect(await countdown.textContent()).toMatch(/^Too many messages: you can send again in \d+ s\.$/);
    const first = Number(/(\d+) s/.exec((await countdown.textContent())!)![1]);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(60);
    // It counts down, and sending waits for it.
    await page.getByTestId('rate-limit-countdown').filter({ hasText: `in ${first - 1} s` }).waitFor({ timeout: 3_000 });
    await page.getByLabel('Message', { exact: true }).fill('One more');
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await screenshot(page, 'rate-limited-phone');
    await context.close();
  });

  it('lets an admin in the sandbox act as the buyer, move the status and replay a webhook delivery', async () => {
    const { seller, buyer, order } = await parley.fixtures.scenario('pending', { title: 'Sandbox order', credentials: 'login: demo\npassword: hunter2' });
    // The sandbox's clock six hours ahead of the browser's and of the order's last change (not 24:
    // the order would complete by itself): the buyer's key must expire after the server's now.
    const advanced = await parley.admin.post('/admin/v1/clock/advance', { seconds: 6 * 3600 });
    expect(advanced.status, advanced.text).toBe(200);
    const path = receiver.newPath();
    receiver.setDefault(path, 200);
    await createEndpoint(parley, seller.id, receiver.url(path));
    const [sellerSide, adminSide] = await onOrderPage(browser, parley.url, 'account', order.id, { token: seller.token }, { token: parley.adminToken });
    const page = adminSide.page;

    // Credentials stay masked until asked for.
    expect(await page.getByTestId('credentials').textContent()).not.toContain('hunter2');
    await page.getByRole('button', { name: 'Show credentials' }).click();
    expect(await page.getByTestId('credentials').textContent()).toBe('login: demo\npassword: hunter2');

    await page.getByRole('radio', { name: `Buyer ${buyer.username}` }).check();
    await send(page, 'Written by the admin as the buyer');
    await messageIn(page, 'Written by the admin as the buyer').waitFor();
    const onSellerSide = messageIn(sellerSide.page, 'Written by the admin as the buyer');
    await onSellerSide.waitFor({ timeout: LIVE_TIMEOUT_MS });
    expect(await onSellerSide.locator('.who').textContent()).toBe(`Buyer ${buyer.username}`);

    await page.getByLabel('Move to').selectOption('in_delivery');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.locator('.badges .status').filter({ hasText: 'in delivery' }).waitFor();
    await sellerSide.page.locator('.badges .status').filter({ hasText: 'in delivery' }).waitFor({ timeout: LIVE_TIMEOUT_MS });
    await page.getByTestId('thread').locator('li.msg-system').first().waitFor();
    await waitLive(page);

    // The message, the status change and its system message reach the seller's endpoint.
    const succeeded = async () => ((await parley.admin.get(`/admin/v1/account-orders/${order.id}/webhook-deliveries`)).body.data as { state: string }[])
      .filter((row) => row.state === 'succeeded').length;
    await waitFor(async () => (await succeeded()) === 3, 5000, 'three deliveries made');
    await page.getByRole('button', { name: 'Load deliveries' }).click();
    const rows = page.getByTestId('deliveries').locator('li');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const sent = rows.filter({ hasText: 'order.message.created' }).last();
    await sent.locator('summary').click();
    expect(await sent.getByLabel('Payload').textContent()).toContain('Written by the admin as the buyer');
    await screenshot(page, 'admin-deliveries');
    await sent.getByRole('button', { name: 'Replay event' }).click();
    await page.getByRole('status').filter({ hasText: 'queued again for 1 endpoint' }).waitFor();
    await waitFor(() => receiver.on(path).length === 4, 5000, 'the replayed delivery');
    expect(JSON.parse(receiver.on(path)[3]!.body).payload.message.text).toBe('Written by the admin as the buyer');
    expect(await cspViolations(page)).toEqual([]);
    await sellerSide.context.close();
    await adminSide.context.close();
  });
});
