import type { ServerResponse } from 'node:http';
import { resetFrame, type ResetReason } from '../contract/streams.js';

/** How long a closed stream may take to hand its last bytes to a client that does not read. */
const END_GRACE_MS = 10_000;

/**
 * One open event stream: writes frames to the response, holding at most `bufferBytes` that the
 * client has not taken yet (Node's buffer beyond the kernel's). One frame more and the stream is
 * reset (`slow_consumer`) and closed: a slow reader costs bounded memory and never delays the
 * others, since a write never waits.
 */
export class StreamConnection {
  private open = true;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly response: ServerResponse,
    private readonly bufferBytes: number,
  ) {
    response.on('close', () => this.closed());
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Bytes written and not yet taken by the socket. */
  get buffered(): number {
    return this.response.writableLength;
  }

  /** Writes one frame; a frame over the buffer's room resets the stream instead. */
  send(frame: string): void {
    if (!this.open) return;
    if (this.response.writableLength + frame.length > this.bufferBytes) return this.reset('slow_consumer');
    this.response.write(frame);
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
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
