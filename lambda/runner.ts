/**
 * Runs a batch of checks concurrently with a concurrency cap and an overall
 * deadline; returns one CheckResult per check in input order.
 *
 * CONTRACT (implemented by the probe issue):
 *   runChecks(specs, options) never throws for a failing endpoint; a check
 *   that cannot finish before `deadline` yields a timeout result.
 */
import type { CheckSpec } from '../lib/spec/types.ts';
import type { CheckResult } from '../lib/spec/result.ts';

export interface RunOptions {
  /** Most probes in flight at once. @default 50 */
  concurrency?: number;
  /** Epoch milliseconds by which every result must be returned. @default none */
  deadline?: number;
  /** Called as each check finishes (for streaming reporters). */
  onResult?: (result: CheckResult, index: number) => void;
}

export async function runChecks(_specs: CheckSpec[], _options: RunOptions = {}): Promise<CheckResult[]> {
  throw new Error('runChecks: not implemented yet');
}
