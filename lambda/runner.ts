/**
 * Runs a batch of checks concurrently with a concurrency cap and an overall
 * deadline; returns one CheckResult per check in input order.
 *
 * CONTRACT:
 *   runChecks(specs, options) never throws for a failing endpoint; a check
 *   that cannot finish before `deadline` yields a timeout result. Every
 *   attempt's budget is clipped to the deadline, so the batch returns on time
 *   even when every target hangs, and it leaves no sockets or timers behind.
 */
import type { CheckResult } from '../lib/spec/result.ts';
import { RETRY_BACKOFF_MS } from '../lib/spec/retry.ts';
import type { CheckSpec } from '../lib/spec/types.ts';
import { checkOnce } from './probe/check.ts';
import { PROBE_CODES } from './probe/classify.ts';
import type { ProbeEnvironment } from './probe/http.ts';
import { emptyTimings } from './probe/timeline.ts';
import { warmUp } from './probe/warm-up.ts';

export interface RunOptions {
  /** Most probes in flight at once. @default 50 */
  concurrency?: number;
  /** Epoch milliseconds by which every result must be returned. @default none */
  deadline?: number;
  /** Called as each check finishes (for streaming reporters). */
  onResult?: (result: CheckResult, index: number) => void;
  /** Name resolution and trusted CAs; tests and benches inject theirs. @default the system's */
  environment?: ProbeEnvironment;
}

export const DEFAULT_CONCURRENCY = 50;
/**
 * Kept back from the deadline for what follows an attempt's timer: closing
 * the connection and building the result, on an event loop that may be busy.
 */
export const DEADLINE_MARGIN_MS = 25;
/** The warm-up is skipped when the deadline is closer than this (ms). */
const WARM_UP_MIN_REMAINING_MS = 2_000;
/**
 * No attempt starts with less than this left before the deadline (ms): it
 * could only time out, and "not run" says more than "timeout after 1 ms".
 * Check timeouts are at least 100 ms, so only the deadline clips below it.
 */
const MIN_ATTEMPT_BUDGET_MS = DEADLINE_MARGIN_MS;
/** A retry is not started with less time than this left (ms): it could only time out. */
const MIN_RETRY_BUDGET_MS = 100;
/**
 * Probes started per event-loop turn. Starting hundreds in one turn would
 * hold every connect, response and timestamp of the first ones behind the
 * setup of the last ones (a 500-check batch read 60 ms of "connect" on
 * loopback). Between groups the loop handles the I/O that is ready.
 */
export const STARTS_PER_TURN = 16;

export async function runChecks(specs: CheckSpec[], options: RunOptions = {}): Promise<CheckResult[]> {
  if (specs.length === 0) return [];
  const { deadline } = options;
  if (deadline === undefined || deadline - Date.now() > WARM_UP_MIN_REMAINING_MS) await warmUp(options.environment);

  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const results: CheckResult[] = new Array(specs.length);
  const gate = new StartGate(STARTS_PER_TURN);
  let callbackError: { error: unknown } | null = null;
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const index = next++;
      const result = await runCheck(specs[index]!, options, gate);
      results[index] = result;
      try {
        options.onResult?.(result, index);
      } catch (error) {
        // A reporter's bug must not strand the other probes; it surfaces once the batch is done.
        callbackError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  if (callbackError) throw (callbackError as { error: unknown }).error;
  return results;
}

/** One check with its retries: each attempt on a fresh connection, retried only after a retryable failure. */
async function runCheck(spec: CheckSpec, options: RunOptions, gate: StartGate): Promise<CheckResult> {
  const startedAt = new Date().toISOString();
  let last: CheckResult | null = null;
  for (let attempt = 1; attempt <= spec.retries + 1; attempt++) {
    if (!gate.tryEnter()) await gate.enter();
    const budgetMs = budgetFor(spec, options.deadline);
    if (budgetMs < MIN_ATTEMPT_BUDGET_MS) break;
    try {
      last = await checkOnce(spec, { ...options.environment, budgetMs });
    } catch (error) {
      last = internalError(spec, error);
    }
    last.attempts = attempt;
    if (last.ok || !last.failure?.retryable || attempt > spec.retries) break;
    if (budgetFor(spec, options.deadline) < RETRY_BACKOFF_MS + MIN_RETRY_BUDGET_MS) break;
    await sleep(RETRY_BACKOFF_MS);
  }
  const result = last ?? deadlineResult(spec);
  result.startedAt = startedAt;
  return result;
}

/** Lets at most `perTurn` attempts start per event-loop turn; the rest wait for the next (setImmediate, after I/O). */
class StartGate {
  private count = 0;
  private turn: Promise<void> | null = null;

  constructor(private readonly perTurn: number) {}

  /** Takes a slot in this turn if there is one (no promise: the common case stays cheap). */
  tryEnter(): boolean {
    if (this.count >= this.perTurn) return false;
    this.count++;
    return true;
  }

  /**
   * Resolves when the caller may start an attempt: at once while this turn
   * has room, otherwise in a later turn's check phase (setImmediate, after
   * the poll phase has handled ready I/O). The slot is taken in the same
   * microtask as the check, so waiters woken together cannot overfill a turn.
   */
  async enter(): Promise<void> {
    while (this.count >= this.perTurn) {
      this.turn ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          this.count = 0;
          this.turn = null;
          resolve();
        }),
      );
      await this.turn;
    }
    this.count++;
  }
}

function budgetFor(spec: CheckSpec, deadline: number | undefined): number {
  if (deadline === undefined) return spec.timeout;
  return Math.min(spec.timeout, Math.floor(deadline - DEADLINE_MARGIN_MS - Date.now()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A result for a check that produced none of its own (not run, or cut off); the handler uses it too. */
export function blank(spec: CheckSpec): CheckResult {
  return {
    name: spec.name,
    url: spec.url,
    method: spec.method,
    ok: false,
    startedAt: new Date().toISOString(),
    statusCode: null,
    timings: emptyTimings(),
    failure: null,
    assertions: [],
    attempts: 0,
    redirects: 0,
    bodyBytes: 0,
    bodyExcerpt: null,
    responseHeaders: null,
    certificate: null,
    cache: null,
    serverTiming: null,
  };
}

function deadlineResult(spec: CheckSpec): CheckResult {
  return {
    ...blank(spec),
    failure: {
      kind: 'timeout',
      message: `not run: the batch deadline passed before the check could start (timeout ${spec.timeout} ms)`,
      retryable: true,
      phase: null,
      code: PROBE_CODES.deadline,
    },
  };
}

/** The probe never throws by design; if it does, that is a Watchpost bug, reported as data rather than losing the batch. */
function internalError(spec: CheckSpec, error: unknown): CheckResult {
  return {
    ...blank(spec),
    attempts: 1,
    failure: {
      kind: 'protocol',
      message: `internal probe error (a Watchpost bug, not the target's): ${error instanceof Error ? error.message : String(error)}`,
      retryable: false,
      phase: null,
      code: PROBE_CODES.internal,
    },
  };
}
