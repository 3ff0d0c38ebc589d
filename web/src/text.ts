/** The API's trim (Laravel's TrimStrings with Parley's extra invisible characters). */
const EDGE_SPACE = /^[\s\uFEFF\u200B\u200E]+|[\s\uFEFF\u200B\u200E]+$/gu;

export const MAX_MESSAGE_CODE_POINTS = 10000;

export const trimMessage = (text: string) => text.replace(EDGE_SPACE, '');

/** Lengths count Unicode code points, as the API does (not UTF-16 units). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function formatTime(unixSeconds: number | null | undefined): string {
  if (typeof unixSeconds !== 'number') return '—';
  return new Date(unixSeconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
