/**
 * The request of a `curl` the start banner prints (possibly over several lines ending in `\`),
 * for fetch: the first curl after the line `heading`. Single quotes are literal; double quotes
 * expand `$NAME` from `env` as a shell would (an unset one fails the test).
 */
export function printedCurl(banner: string, heading: string, env: Record<string, string> = {}): { url: string; init: RequestInit } {
  const lines = banner.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) throw new Error(`no line starting with ${JSON.stringify(heading)} in:\n${banner}`);
  let end = start + 1;
  while (end < lines.length && lines[end]!.trimEnd().endsWith('\\')) end++;
  const command = lines.slice(start + 1, end + 1).map((l) => l.trim().replace(/\\$/, '')).join(' ');
  const words: string[] = [];
  for (const match of command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    if (match[1] !== undefined) words.push(match[1]);
    else if (match[2] !== undefined) {
      words.push(match[2].replace(/\$([A-Z_][A-Z0-9_]*)/g, (_, name: string) => {
        if (env[name] === undefined) throw new Error(`the printed curl needs $${name}`);
        return env[name]!;
      }));
    } else words.push(match[3]!);
  }
  if (words[0] !== 'curl') throw new Error(`not a curl: ${command}`);
  let url: string | undefined;
  const headers: Record<string, string> = {};
  const init: RequestInit = { method: 'GET', headers };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-sS') continue;
    if (word === '-X') init.method = words[++i]!;
    else if (word === '-H') {
      const [name, ...value] = words[++i]!.split(':');
      headers[name!.trim()] = value.join(':').trim();
    } else if (word === '-d') {
      init.body = words[++i]!;
      if (init.method === 'GET') init.method = 'POST';
    } else if (!word.startsWith('-') && url === undefined) url = word;
    else throw new Error(`unexpected ${word} in the printed curl: ${command}`);
  }
  if (!url) throw new Error(`no URL in the printed curl: ${command}`);
  return { url, init };
}
