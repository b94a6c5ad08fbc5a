/**
 * The phase clock of one attempt. Every mark closes the phase in progress at
 * the current monotonic time and opens the next, so phases are consecutive
 * and add up to the total by construction (redirect hops add to the same
 * phases; a hop starts where the previous one ended).
 *
 * The clock starts when the probe first touches the network (`start`, called
 * as the name lookup or the TCP connect begins), so building the request in
 * JavaScript is not billed to the target; curl's clock has no such work in it
 * either. An attempt that never reached the network counts from construction.
 */
import { performance } from 'node:perf_hooks';
import type { Phase, Timings } from '../../lib/spec/result.ts';

export class Timeline {
  startedAt = performance.now();
  /** End of the last closed phase. */
  private cursor = this.startedAt;
  private started = false;
  private finishedAt: number | null = null;
  // One field per phase (null: never entered), cheaper than a Map on the hot path.
  private dns: number | null = null;
  private connect: number | null = null;
  private tls: number | null = null;
  private firstByte: number | null = null;
  private download: number | null = null;

  /** The network work begins now: the clock restarts here, once, before any mark. */
  start(at = performance.now()): void {
    if (this.started) return;
    this.started = true;
    if (this.cursor !== this.startedAt || this.finishedAt !== null) return;
    this.startedAt = at;
    this.cursor = at;
  }

  /** Closes `phase` now: the time since the previous mark is spent in it. */
  mark(phase: Phase, at = performance.now()): void {
    if (this.finishedAt !== null) return;
    this.started = true;
    const ms = at > this.cursor ? at - this.cursor : 0;
    this[phase] = (this[phase] ?? 0) + ms;
    if (at > this.cursor) this.cursor = at;
  }

  /**
   * Ends the attempt. On a failure the time since the last mark goes to
   * `phase`, the phase in progress; on success (null) the last mark is the end.
   */
  finish(phase: Phase | null, at = performance.now()): void {
    if (this.finishedAt !== null) return;
    if (phase) this.mark(phase, at);
    this.finishedAt = this.cursor;
  }

  /** Milliseconds since the attempt started (monotonic). */
  elapsed(at = performance.now()): number {
    return (this.finishedAt ?? at) - this.startedAt;
  }

  timings(): Timings {
    const end = this.finishedAt ?? this.cursor;
    return {
      dns: roundOrNull(this.dns),
      connect: roundOrNull(this.connect),
      tls: roundOrNull(this.tls),
      firstByte: roundOrNull(this.firstByte),
      download: roundOrNull(this.download),
      total: round(end - this.startedAt),
    };
  }
}

/** Microsecond resolution: finer than any network reading, and the rounding error stays far below 0.5 ms. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function roundOrNull(ms: number | null): number | null {
  return ms === null ? null : round(ms);
}

/** Timings of an attempt that never started (the batch deadline had passed). */
export function emptyTimings(): Timings {
  return { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 0 };
}
