/** Unix seconds, the only time unit on the wire and in storage. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
