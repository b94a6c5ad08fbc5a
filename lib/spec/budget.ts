/**
 * The time budget of one invocation, shared by the plan (which sizes the
 * function timeout from it) and the handler (which keeps to it).
 */
export const RUNTIME_BUDGET = {
  /** Time reserved after the probes for PutMetricData, SNS and logs (ms). */
  publishReserveMs: 5_000,
  /** Time for init and the warm-up probe (ms). */
  startupReserveMs: 3_000,
  /** Probes in flight per invocation; at least the batch size, so a batch runs as one wave. */
  concurrency: 50,
} as const;
