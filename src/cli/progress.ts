/**
 * A spinner with a label on stderr while long work runs (migrations, seeding); only when stderr
 * is a terminal, so logs and pipes get nothing but the result.
 */
export interface Progress {
  update(label: string): void;
  done(finalLine?: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function startProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let frame = 0;
  let current = label;
  const draw = () => stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`);
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    update(next) {
      current = next;
      draw();
    },
    done(finalLine) {
      clearInterval(timer);
      stream.write(`\r\u001b[2K${finalLine ? `${finalLine}\n` : ''}`);
    },
  };
}
