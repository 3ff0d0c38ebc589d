/**
 * The in-process lock on a SQLite file's write side, shared by the main thread's writer
 * connection and the writer thread's (a SharedArrayBuffer both threads see).
 *
 * SQLite serialises the two connections itself, but a connection that finds the file locked
 * sleeps in its busy handler (1 ms, then 2, 5, ...): on the main thread that would stall every
 * request. With this lock the main thread waits without blocking (Atomics.waitAsync) and the
 * writer thread, which has nothing else to do, waits blocked (Atomics.wait). Other processes on
 * the same file still meet SQLite's own lock and busy_timeout.
 */
export class SqliteWriteLock {
  private readonly cell: Int32Array;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.cell = new Int32Array(buffer);
  }

  static create(): SqliteWriteLock {
    return new SqliteWriteLock(new SharedArrayBuffer(4));
  }

  /** The same lock, in another thread. */
  static from(buffer: SharedArrayBuffer): SqliteWriteLock {
    return new SqliteWriteLock(buffer);
  }

  /** Takes the lock for `holder` if it is free; otherwise answers who holds it. */
  private take(holder: LockHolder): number {
    return Atomics.compareExchange(this.cell, 0, FREE, holder);
  }

  /** Waits without blocking the thread (the main thread's way). */
  async acquire(holder: LockHolder = MAIN_THREAD): Promise<void> {
    for (let current = this.take(holder); current !== FREE; current = this.take(holder)) {
      const wait = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(this.cell, 0, current);
      if (wait.async) await wait.value;
    }
  }

  /** Blocks the thread until the lock is free (the writer thread's way). */
  acquireBlocking(holder: LockHolder = WRITER_THREAD): void {
    for (let current = this.take(holder); current !== FREE; current = this.take(holder)) Atomics.wait(this.cell, 0, current);
  }

  release(): void {
    Atomics.store(this.cell, 0, FREE);
    // Every waiter wakes and races for it; the losers wait again. Waiters are few: at most one
    // per thread (each side's own connection mutex queues the rest).
    Atomics.notify(this.cell, 0);
  }

  /**
   * Frees the lock if `holder` has it: for a writer thread that died holding it (its SQLite
   * transaction died with its connection). Answers whether it did.
   */
  releaseIfHeldBy(holder: LockHolder): boolean {
    if (Atomics.compareExchange(this.cell, 0, holder, FREE) !== holder) return false;
    Atomics.notify(this.cell, 0);
    return true;
  }
}

const FREE = 0;
export const MAIN_THREAD = 1;
export const WRITER_THREAD = 2;
export type LockHolder = typeof MAIN_THREAD | typeof WRITER_THREAD;

/** Node 20 has Atomics.waitAsync; the ES2022 lib this project compiles against does not declare it. */
interface AtomicsWithWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}
