import type { ServerResponse } from 'node:http';
import { resetFrame, type ResetReason } from '../contract/streams.js';

/** How long a closed stream may take to hand its last bytes to a client that does not read. */
const END_GRACE_MS = 10_000;
/** How long a stream may stay above its buffer bound without draining before it is reset. */
const OVER_BOUND_GRACE_MS = 5_000;
/** Above this many times the bound, a stream is reset at once: the hard cap on its memory. */
const HARD_CAP_FACTOR = 4;

/**
 * One open event stream. A write never waits: what the socket has not taken stays in Node's
 * buffer (`buffered`). A burst may take it over `bufferBytes` (a page of large messages); a
 * client that reads on is fine. One that stays over the bound while taking less than a bound's
 * worth in OVER_BOUND_GRACE_MS, or lets it reach HARD_CAP_FACTOR times the bound, is sent `reset`
 * (`slow_consumer`) and closed: a slow reader costs bounded memory and never delays the others.
 */
export class StreamConnection {
  private open = true;
  private readonly closeListeners: (() => void)[] = [];
  private overTimer: NodeJS.Timeout | null = null;
  private drainWaiters: (() => void)[] = [];
  private written = 0;

  constructor(
    private readonly response: ServerResponse,
    private readonly bufferBytes: number,
  ) {
    response.on('close', () => this.closed());
    // A write to a connection the client dropped fails here; 'close' follows and ends the stream.
    response.on('error', () => this.closed());
    response.on('drain', () => {
      if (this.overTimer) clearTimeout(this.overTimer);
      this.overTimer = null;
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Bytes written and not yet taken by the socket. */
  get buffered(): number {
    return this.response.writableLength;
  }

  /** True while the buffer is over its bound: a writer that can wait (a replay) should. */
  get full(): boolean {
    return this.response.writableLength > this.bufferBytes;
  }

  /** Resolves when the buffer has drained, or the stream has closed. */
  drained(): Promise<void> {
    if (!this.open || !this.response.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Writes one frame (never waits); see the class comment for when it resets instead. */
  send(frame: string): void {
    if (!this.open) return;
    if (this.response.writableLength + frame.length > this.bufferBytes * HARD_CAP_FACTOR) return this.reset('slow_consumer');
    this.response.write(frame);
    this.written += frame.length;
    if (this.full && this.overTimer === null) this.watchOverBound();
  }

  /**
   * Over the bound: the client must take at least a bound's worth within the grace period (a
   * burst to a client that reads on is fine), or be reset.
   */
  private watchOverBound(): void {
    const takenBefore = this.taken;
    this.overTimer = setTimeout(() => {
      this.overTimer = null;
      if (!this.open || !this.full) return;
      if (this.taken - takenBefore < this.bufferBytes) this.reset('slow_consumer');
      else this.watchOverBound();
    }, OVER_BOUND_GRACE_MS);
    this.overTimer.unref();
  }

  /** What the socket has taken so far (characters written, less those still buffered: a close estimate). */
  private get taken(): number {
    return this.written - this.response.writableLength;
  }

  /** Tells the client to reload, then closes. */
  reset(reason: ResetReason): void {
    if (!this.open) return;
    this.response.write(resetFrame(reason));
    this.end();
  }

  /** Ends the response; a client that does not take the rest within a grace period is cut off. */
  end(): void {
    if (!this.open) return;
    this.response.end();
    const timer = setTimeout(() => this.response.destroy(), END_GRACE_MS);
    timer.unref();
    this.response.once('close', () => clearTimeout(timer));
    this.closed();
  }

  onClose(listener: () => void): void {
    if (this.open) this.closeListeners.push(listener);
    else listener();
  }

  private closed(): void {
    if (!this.open) return;
    this.open = false;
    if (this.overTimer) clearTimeout(this.overTimer);
    this.overTimer = null;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
