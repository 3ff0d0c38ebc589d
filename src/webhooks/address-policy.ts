import net from 'node:net';

/**
 * Which addresses a production webhook may connect to. Everything is decided on the address's
 * bytes, so every spelling of one address gets one answer: `127.0.0.1`, `::ffff:127.0.0.1`,
 * `::ffff:7f00:1` (WHATWG URL's form of the same), `::127.0.0.1` (IPv4-compatible), and IPv6
 * forms that carry an IPv4 address inside them (NAT64, 6to4).
 */

type Range = readonly [prefix: number[], bits: number];

/** Not public IPv4: this network, private, CGNAT, loopback, link-local, IETF, documentation, 6to4 relay, benchmarking, multicast, reserved, broadcast. */
const BLOCKED_V4: Range[] = [
  [[0], 8], [[10], 8], [[100, 64], 10], [[127], 8], [[169, 254], 16], [[172, 16], 12],
  [[192, 0, 0], 24], [[192, 0, 2], 24], [[192, 88, 99], 24], [[192, 168], 16], [[198, 18], 15],
  [[198, 51, 100], 24], [[203, 0, 113], 24], [[224], 4], [[240], 4],
];

/**
 * Not public IPv6, refused whatever follows: `::/96` (unspecified, loopback and the deprecated
 * IPv4-compatible `::a.b.c.d`, which no public host uses), IPv4-translated `::ffff:0:0:0/96`,
 * local-use NAT64 `64:ff9b:1::/48`, discard `100::/64`, IETF protocol assignments `2001::/23`
 * (Teredo `2001::/32` among them: its embedded addresses are a relay's and a NAT's, not the
 * receiver's), documentation `2001:db8::/32` and `3fff::/20`, SRv6 `5f00::/16`, unique local
 * `fc00::/7`, link-local `fe80::/10`, site-local `fec0::/10`, multicast `ff00::/8`.
 */
const BLOCKED_V6: Range[] = [
  [[], 96], [[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0], 96], [[0, 0x64, 0xff, 0x9b, 0, 1], 48],
  [[1, 0, 0, 0, 0, 0, 0, 0], 64], [[0x20, 0x01, 0x00], 23], [[0x20, 0x01, 0x0d, 0xb8], 32], [[0x3f, 0xff, 0x00], 20],
  [[0x5f, 0x00], 16], [[0xfc], 7], [[0xfe, 0x80], 10], [[0xfe, 0xc0], 10], [[0xff], 8],
];

function inRange(bytes: Uint8Array, [prefix, bits]: Range): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const mask = bits - i * 8 >= 8 ? 0xff : (0xff << (8 - (bits - i * 8))) & 0xff;
    if ((bytes[i]! & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function parseV4(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

/** The 16 bytes of a valid IPv6 address (zone id removed, a dotted IPv4 tail allowed). */
function parseV6(address: string): Uint8Array {
  let text = address.replace(/%.*$/, '');
  const bytes = new Uint8Array(16);
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = parseV4(tail[1]!);
    text = `${text.slice(0, tail.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, null];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = rest === null || rest === '' ? [] : rest.split(':');
  const groups = [...headGroups, ...new Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

function isPublicV4(bytes: Uint8Array): boolean {
  return !BLOCKED_V4.some((range) => inRange(bytes, range));
}

function isPublicV6(bytes: Uint8Array): boolean {
  // IPv4-mapped (`::ffff:a.b.c.d`, however spelled): the connection goes to that IPv4 address.
  if (inRange(bytes, [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96])) return isPublicV4(bytes.subarray(12));
  if (BLOCKED_V6.some((range) => inRange(bytes, range))) return false;
  // Well-known NAT64 (`64:ff9b::/96`): a translator forwards to the embedded IPv4 address.
  if (inRange(bytes, [[0, 0x64, 0xff, 0x9b], 96])) return isPublicV4(bytes.subarray(12));
  // 6to4 (`2002::/16`): the packets leave towards the embedded IPv4 address.
  if (startsWith(bytes, [0x20, 0x02])) return isPublicV4(bytes.subarray(2, 6));
  return true;
}

/**
 * True when a production webhook may connect to `address` (an IP address in any form Node or
 * WHATWG URL produces, brackets allowed). Anything that is not an IP address is refused.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  switch (net.isIP(bare)) {
    case 4:
      return isPublicV4(parseV4(bare));
    case 6:
      return isPublicV6(parseV6(bare));
    default:
      return false;
  }
}

/** The IP address a URL's host is, without brackets, or null when the host is a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return net.isIP(bare) === 0 ? null : bare;
}
