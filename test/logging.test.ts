import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, jsonLineWriter } from '../src/logging.js';

describe('jsonLineWriter', () => {
  it('writes the line pino itself writes for the same fields, to the same destination', () => {
    const logger = createLogger({ level: 'info', format: 'json' });
    const stream = (logger as unknown as Record<symbol, { write(line: string): boolean }>)[pino.symbols.streamSym]!;
    const lines: string[] = [];
    const original = stream.write;
    stream.write = (line: string) => lines.push(line) > 0;
    try {
      const fields = { reqId: 'a"b', req: { method: 'POST', url: '/v2/x?q="é"\n' }, res: { statusCode: 200 }, responseTime: 1.25 };
      logger.info(fields, 'request completed');
      jsonLineWriter(logger)!(30, JSON.stringify(fields).slice(1, -1), 'request completed');
    } finally {
      stream.write = original;
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.endsWith('}\n')).toBe(true);
    const [byPino, byHand] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(byHand!)).toEqual(Object.keys(byPino!));
    expect({ ...byHand, time: 0 }).toEqual({ ...byPino, time: 0 });
    expect(Math.abs(Number(byHand!.time) - Number(byPino!.time))).toBeLessThan(60_000);
  });

  it('is only for the JSON logger createLogger makes', () => {
    expect(jsonLineWriter(createLogger({ level: 'info', format: 'pretty' }))).toBeNull();
    expect(jsonLineWriter(pino({ level: 'info' }))).toBeNull();
  });
});
