/** The durable part of the sandbox clock, shared by every instance of a deployment. */
export interface ClockState {
  /** Added to the wall clock, in milliseconds. */
  offsetMs: number;
  /** Ids are never minted from an earlier time than this (set by a reset that moves time back). */
  idFloorMs: number;
}

export interface ClockStateStore {
  /** The stored state; { offsetMs: 0, idFloorMs: 0 } before any change. */
  load(): Promise<ClockState>;
  /** Moves the offset forward to `offsetMs` (never back: of two advances racing, the later time stays). */
  advance(offsetMs: number, atMs: number): Promise<ClockState>;
  /** Offset back to 0; the id floor rises to `idFloorMs` (never falls). */
  reset(idFloorMs: number, atMs: number): Promise<ClockState>;
}
