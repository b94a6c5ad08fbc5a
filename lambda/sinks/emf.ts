/**
 * CloudWatch Embedded Metric Format: the fallback when PutMetricData fails.
 * CloudWatch Logs extracts the metrics from these log lines, so a datapoint
 * that could not be sent is still recorded, with the same name, unit,
 * dimensions and timestamp.
 *
 * One document per (timestamp, dimension set): the metric values are
 * top-level members keyed by metric name, so two datapoints of one name need
 * two documents (e.g. ServerTiming for two entries).
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { MetricUnit } from '../../lib/spec/metrics.ts';
import type { Datapoint } from './datapoints.ts';

/** The EMF limit of metric definitions per directive. */
const MAX_METRICS_PER_DOCUMENT = 100;

export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: MetricUnit }>;
    }>;
  };
  [member: string]: unknown;
}

export function emfDocuments(namespace: string, datapoints: readonly Datapoint[]): EmfDocument[] {
  const groups = new Map<string, Datapoint[]>();
  for (const d of datapoints) {
    const key = JSON.stringify([d.timestamp, Object.entries(d.dimensions).sort()]);
    const group = groups.get(key) ?? [];
    // A name already in the group (same dimensions and time) goes to a new group, so no value is overwritten.
    if (group.some((g) => g.name === d.name)) groups.set(`${key}#${groups.size}`, [d]);
    else groups.set(key, [...group, d]);
  }
  const docs: EmfDocument[] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += MAX_METRICS_PER_DOCUMENT) {
      const slice = group.slice(i, i + MAX_METRICS_PER_DOCUMENT);
      const first = slice[0]!;
      const doc: EmfDocument = {
        _aws: {
          Timestamp: first.timestamp,
          CloudWatchMetrics: [
            {
              Namespace: namespace,
              Dimensions: [Object.keys(first.dimensions)],
              Metrics: slice.map((d) => ({ Name: d.name, Unit: d.unit })),
            },
          ],
        },
        ...first.dimensions,
      };
      for (const d of slice) doc[d.name] = d.value;
      docs.push(doc);
    }
  }
  return docs;
}
