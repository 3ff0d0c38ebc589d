import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, literalAddress } from '../../src/webhooks/address-policy.js';
import { postWebhook, refusalFor } from '../../src/webhooks/http-sender.js';
import { createUrlPolicy, NOT_PUBLIC_MESSAGE } from '../../src/webhooks/url-policy.js';

/** What WHATWG URL makes of a host: the form delivery and registration actually see. */
const hostOf = (url: string) => literalAddress(new URL(url).hostname);

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '0.0.0.0', '10.1.2.3', '100.64.0.1', '169.254.169.254', '172.16.5.4', '172.31.255.255',
    '192.0.0.8', '192.0.2.1', '192.88.99.1', '192.168.0.10', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '240.0.0.1',
    '255.255.255.255',
  ])('refuses the IPv4 address %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback in brackets'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex (WHATWG URL\'s form)'],
    ['0:0:0:0:0:ffff:7f00:0001', 'IPv4-mapped loopback, written out'],
    ['::FFFF:A9FE:A9FE', 'IPv4-mapped metadata address, upper case'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::7f00:1', 'IPv4-compatible loopback, hex'],
    ['::8.8.8.8', 'IPv4-compatible (deprecated, refused whatever it embeds)'],
    ['::ffff:0:7f00:1', 'IPv4-translated'],
    ['64:ff9b::127.0.0.1', 'NAT64 of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['64:ff9b:1::808:808', 'local-use NAT64'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:c0a8:0101::', '6to4 of 192.168.1.1'],
    ['2002:0a00:0001:1234::1', '6to4 of 10.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'discard'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local with a zone'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
  ])('refuses the IPv6 address %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.215.14', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1',
    '2606:4700:4700::1111', '2a00:1450:4001:81b::200e', '::ffff:8.8.8.8', '::ffff:808:808',
    '64:ff9b::808:808', '2002:0808:0808::1',
  ])('accepts the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each(['', 'localhost', 'example.com', '127.0.0.1.nip.io', '1.2.3', '::ffff:127.0.0.1:80'])('refuses %j, which is not an IP address', (value) => {
    expect(isPublicAddress(value)).toBe(false);
  });

  it.each([
    ['http://2130706433:8080/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]:8080/', '::ffff:7f00:1'],
    ['https://[::127.0.0.1]/', '::7f00:1'],
    ['https://[0:0:0:0:0:0:0:1]/', '::1'],
  ])('refuses every spelling of a loopback URL host: %s', (url, normalized) => {
    const host = hostOf(url);
    expect(host).toBe(normalized);
    expect(isPublicAddress(host!)).toBe(false);
  });
});

describe('the production URL policy', () => {
  const production = createUrlPolicy('production');

  it.each([
    'https://127.0.0.1/x', 'https://2130706433/x', 'https://0x7f.1/x', 'https://[::ffff:127.0.0.1]/x', 'https://[::127.0.0.1]/',
    'https://[64:ff9b::a9fe:a9fe]/', 'https://[2002:c0a8:101::1]/', 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'https://localhost/x',
  ])('refuses %s at registration', async (url) => {
    expect(await production(url)).toBe(NOT_PUBLIC_MESSAGE);
  });

  it.each(['http://93.184.215.14/x', 'http://2130706433:8080/'])('refuses the http URL %s', async (url) => {
    expect(await production(url)).toBe('The url field must be an https URL.');
  });

  it.each(['https://93.184.215.14/hook', 'https://[2606:4700:4700::1111]/hook'])('accepts the public literal %s without a lookup', async (url) => {
    expect(await production(url)).toBeNull();
  });

  it('leaves sandbox URLs alone', async () => {
    expect(await createUrlPolicy('sandbox')('http://[::ffff:127.0.0.1]:9/x')).toBeNull();
  });
});

describe('delivery in production', () => {
  let server: net.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const options = { env: 'production' as const, timeoutMs: 5_000, maxResponseBytes: 1024 };

  it('names the refusal of each literal and scheme', () => {
    expect(refusalFor(new URL(`http://2130706433:${port}/`), 'production')).toMatch(/an http URL; production delivers to https URLs only/);
    expect(refusalFor(new URL(`https://2130706433:${port}/`), 'production')).toBe('refused (PARLEY_ENV=production): 127.0.0.1 is not a public address');
    expect(refusalFor(new URL(`https://[::ffff:127.0.0.1]:${port}/`), 'production')).toBe('refused (PARLEY_ENV=production): ::ffff:7f00:1 is not a public address');
    expect(refusalFor(new URL(`http://127.0.0.1:${port}/`), 'sandbox')).toBeNull();
    expect(refusalFor(new URL('ftp://example.com/'), 'sandbox')).toBe('refused: ftp: URL');
  });

  it.each([
    (p: number) => `http://127.0.0.1:${p}/hook`,
    (p: number) => `https://127.0.0.1:${p}/hook`,
    (p: number) => `https://2130706433:${p}/hook`,
    (p: number) => `https://[::ffff:127.0.0.1]:${p}/hook`,
    (p: number) => `https://localhost:${p}/hook`,
  ])('refuses without connecting: case %#', async (urlFor) => {
    const before = connections;
    const result = await postWebhook(urlFor(port), {}, '{}', options);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/^refused \(PARLEY_ENV=production\): /);
    expect(connections, 'no connection reached the local server').toBe(before);
  });

  it('connects in sandbox (the local server is reachable, so the refusals above are the policy\'s)', async () => {
    const before = connections;
    const result = await postWebhook(`http://[::ffff:127.0.0.1]:${port}/hook`, {}, '{}', { ...options, env: 'sandbox' });
    expect(result.error).not.toBeNull(); // the server drops the connection
    expect(result.error).not.toMatch(/refused \(PARLEY_ENV/);
    expect(connections).toBe(before + 1);
  });
});
