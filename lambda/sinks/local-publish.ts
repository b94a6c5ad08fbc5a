/**
 * `watchpost run --publish`: a local run's figures go to the same CloudWatch
 * metrics as the deployed probe, through the same publisher, with the user's
 * default AWS credentials and region (environment, profile, SSO...). Lets a
 * check run from a laptop or a CI job into the same dashboards.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CheckResult } from '../../lib/spec/result.ts';
import type { WatchpostConfig } from '../../lib/spec/types.ts';
import { datapointsFor } from './datapoints.ts';
import { publishMetrics } from './metrics.ts';

export interface LocalPublishOutcome {
  datapoints: number;
  /** PutMetricData calls made. */
  requests: number;
  /** 'emf' when PutMetricData failed and the datapoints went to stderr as EMF lines instead. */
  fallback: 'none' | 'emf';
  /** One sentence for the terminal. */
  message: string;
}

export async function publishLocalRun(config: WatchpostConfig, results: CheckResult[]): Promise<LocalPublishOutcome> {
  const specs = new Map(config.checks.map((c) => [c.name, c]));
  const datapoints = results.flatMap((r) => {
    const spec = specs.get(r.name);
    return spec ? datapointsFor(spec, r) : [];
  });
  const client = new CloudWatchClient({});
  try {
    const region = await client.config.region().catch(() => null);
    const outcome = await publishMetrics(client, config.namespace, datapoints, {
      // stdout belongs to the run's report; the fallback lines must not mix with it.
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const where = `namespace ${config.namespace}${region ? ` in ${region}` : ''}`;
    const message =
      outcome.fallback === 'none'
        ? `published ${outcome.datapoints} datapoints to CloudWatch ${where} in ${outcome.requests} PutMetricData call${outcome.requests === 1 ? '' : 's'}`
        : `PutMetricData to ${where} failed (${outcome.error}); ${outcome.emfDatapoints} of ${outcome.datapoints} datapoints written to stderr as CloudWatch EMF lines instead`;
    return { datapoints: outcome.datapoints, requests: outcome.requests, fallback: outcome.fallback, message };
  } finally {
    client.destroy();
  }
}
