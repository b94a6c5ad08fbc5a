/**
 * The phase clock of one attempt. Every mark closes the phase in progress at
 * the current monotonic time and opens the next, so phases are consecutive
 * and add up to the total by construction (redirect hops add to the same
 * phases; a hop starts where the previous one ended).
 */
import { performance } from 'node:perf_hooks';
import type { Phase, Timings } from '../../lib/spec/result.ts';

export class Timeline {
  readonly startedAt = performance.now();
  /** End of the last closed phase. */
  private cursor = this.startedAt;
  private readonly spent = new Map<Phase, number>();
  private finishedAt: number | null = null;

  /** Closes `phase` now: the time since the previous mark is spent in it. */
  mark(phase: Phase, at = performance.now()): void {
    if (this.finishedAt !== null) return;
    this.spent.set(phase, (this.spent.get(phase) ?? 0) + Math.max(0, at - this.cursor));
    this.cursor = Math.max(this.cursor, at);
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
    const phase = (p: Phase) => {
      const ms = this.spent.get(p);
      return ms === undefined ? null : round(ms);
    };
    return {
      dns: phase('dns'),
      connect: phase('connect'),
      tls: phase('tls'),
      firstByte: phase('firstByte'),
      download: phase('download'),
      total: round(end - this.startedAt),
    };
  }
}

/** Microsecond resolution: finer than any network reading, and the rounding error stays far below 0.5 ms. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Timings of an attempt that never started (the batch deadline had passed). */
export function emptyTimings(): Timings {
  return { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 0 };
}
