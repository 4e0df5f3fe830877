/**
 * The one clock of the system. `startMs` (CLOCK_START) is "now" at the anchor instant `anchorMs` (CLOCK_ANCHOR, epoch
 * ms of real time; the launcher sets it once so every process agrees, default: this process's start); `speed`
 * (CLOCK_SPEED) virtual seconds pass per real second. Unset: real time. Runs in the workflow sandbox too: no I/O here.
 */
/** What fixes a clock: a case's workflow keeps these from its start, so its replays read the same times. */
export interface ClockParams {
  startMs: number;
  anchorMs: number;
  speed: number;
}

export interface Clock {
  readonly speed: number;
  readonly params: ClockParams;
  /** Virtual now, epoch ms. */
  now(): number;
  /** The virtual instant that corresponds to a real one. */
  toVirtual(realMs: number): number;
  /** Real milliseconds until the virtual instant (0 if passed). */
  realDelayUntil(virtualMs: number, nowVirtualMs?: number): number;
}

export function createClock(
  options: { startMs?: number | undefined; anchorMs?: number | undefined; speed?: number | undefined } = {},
): Clock {
  const anchor = options.anchorMs ?? Date.now();
  const start = options.startMs ?? anchor;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`CLOCK_SPEED must be > 0, got ${speed}`);
  const toVirtual = (realMs: number) => start + (realMs - anchor) * speed;
  return {
    speed,
    params: { startMs: start, anchorMs: anchor, speed },
    now: () => toVirtual(Date.now()),
    toVirtual,
    realDelayUntil: (virtualMs, nowVirtualMs = toVirtual(Date.now())) =>
      Math.max(0, Math.ceil((virtualMs - nowVirtualMs) / speed)),
  };
}
