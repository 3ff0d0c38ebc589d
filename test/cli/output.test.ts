import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { colourEnabled, paint } from '../../src/cli/output.js';
import { startProgress } from '../../src/cli/progress.js';

/** A stream that collects what is written, claiming to be a terminal or not. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const out = new Writable({
    write(chunk, _encoding, done) {
      out.text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text: string };
  out.text = '';
  (out as { isTTY: boolean }).isTTY = isTTY;
  return out;
}

const noColour = process.env.NO_COLOR;
afterEach(() => {
  if (noColour === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColour;
});

describe('CLI output on a terminal and off it', () => {
  it('colours only a terminal, and not with NO_COLOR', () => {
    delete process.env.NO_COLOR;
    expect(paint('ok', 'green', stream(false))).toBe('ok');
    expect(paint('ok', 'green', stream(true))).toBe('\u001b[32mok\u001b[0m');
    process.env.NO_COLOR = '1';
    expect(colourEnabled(stream(true))).toBe(false);
  });

  it('draws progress on a terminal and clears it when done; writes nothing elsewhere', () => {
    const tty = stream(true);
    const progress = startProgress('migrating', tty);
    progress.update('migrating 2/3: 0002_x');
    progress.done('migrated');
    expect(tty.text).toContain('migrating 2/3: 0002_x');
    expect(tty.text.endsWith('\r\u001b[2Kmigrated\n')).toBe(true);

    const pipe = stream(false);
    const quiet = startProgress('migrating', pipe);
    quiet.update('migrating 2/3');
    quiet.done('migrated');
    expect(pipe.text).toBe('');
  });
});
