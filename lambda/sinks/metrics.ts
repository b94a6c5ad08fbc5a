/**
 * Publishes datapoints with PutMetricData in as few calls as the API allows
 * (1,000 datums and 1 MB per call), and writes every datapoint of a call that
 * still fails after the SDK's retries to the log as EMF, so none is lost.
 */
import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { Datapoint } from './datapoints.ts';
import { emfDocuments } from './emf.ts';
import type { LogWriter } from './log-lines.ts';

/** PutMetricData limits (per call). */
export const PUT_LIMITS = {
  datums: 1000,
  /** The API takes 1 MB; the estimate below keeps 10% for the envelope and headers. */
  bytes: 900_000,
};

export interface MetricsOutcome {
  datapoints: number;
  /** PutMetricData calls made (not counting the SDK's retries). */
  requests: number;
  /** Datapoints written as EMF because their call failed. */
  emfDatapoints: number;
  fallback: 'none' | 'emf';
  /** The first PutMetricData error, for the summary line. */
  error: string | null;
}

export interface PublishOptions {
  /** Aborts calls still in flight when the invocation must wrap up. */
  abortSignal?: AbortSignal;
  /** Where EMF lines go (stdout in Lambda). */
  log: LogWriter;
}

export async function publishMetrics(
  client: CloudWatchClient,
  namespace: string,
  datapoints: readonly Datapoint[],
  options: PublishOptions,
): Promise<MetricsOutcome> {
  const outcome: MetricsOutcome = { datapoints: datapoints.length, requests: 0, emfDatapoints: 0, fallback: 'none', error: null };
  for (const chunk of splitIntoCalls(datapoints)) {
    outcome.requests++;
    try {
      if (options.abortSignal?.aborted) throw new Error('no time left before the invocation deadline');
      await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: chunk.map(toDatum) }), {
        abortSignal: options.abortSignal,
      });
    } catch (err) {
      outcome.error ??= describeError(err);
      outcome.fallback = 'emf';
      outcome.emfDatapoints += chunk.length;
      for (const doc of emfDocuments(namespace, chunk)) options.log(JSON.stringify(doc));
    }
  }
  return outcome;
}

/** Splits datapoints into calls of at most 1,000 datums and about 900 KB each, in order. */
export function splitIntoCalls(datapoints: readonly Datapoint[]): Datapoint[][] {
  const calls: Datapoint[][] = [];
  let current: Datapoint[] = [];
  let bytes = 0;
  for (const d of datapoints) {
    const size = estimatedBytes(d);
    if (current.length > 0 && (current.length >= PUT_LIMITS.datums || bytes + size > PUT_LIMITS.bytes)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(d);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/**
 * An upper bound of one datum's size on the wire: its JSON (the CloudWatch
 * client speaks the JSON protocol) doubled, which also covers the query
 * protocol's longer, URL-encoded keys.
 */
function estimatedBytes(d: Datapoint): number {
  return 2 * Buffer.byteLength(JSON.stringify(toDatum(d)));
}

function toDatum(d: Datapoint): MetricDatum {
  return {
    MetricName: d.name,
    Unit: d.unit,
    Value: d.value,
    Timestamp: new Date(d.timestamp),
    Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
  };
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    const name = err.name && err.name !== 'Error' ? err.name : code;
    return name ? `${name}: ${err.message}` : err.message;
  }
  return String(err);
}
