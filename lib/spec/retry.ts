/**
 * Retry timing shared by the runner (lambda/runner.ts), which waits it between
 * attempts, and the deployment plan (lib/plan.ts), which budgets for it.
 */

/** Backoff between attempts of one check (ms). */
export const RETRY_BACKOFF_MS = 250;
