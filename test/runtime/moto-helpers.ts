/**
 * What the handler tests need around moto: topics with local HTTP
 * subscribers, metric read-back, a request counter on an SDK client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetMetricDataCommand, ListMetricsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';

export interface Delivery {
  path: string;
  subject: string | undefined;
  message: string;
  topicArn: string;
}

/** A local HTTP endpoint SNS (moto) delivers to; each path is one subscription. */
export interface Subscriber {
  url(path: string): string;
  deliveries: Delivery[];
  at(path: string): Delivery[];
  close(): Promise<void>;
}

export async function startSubscriber(): Promise<Subscriber> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const note = JSON.parse(body) as { Type: string; Subject?: string; Message: string; TopicArn: string };
      if (note.Type === 'Notification') {
        deliveries.push({ path: req.url ?? '/', subject: note.Subject, message: note.Message, topicArn: note.TopicArn });
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    deliveries,
    at: (path) => deliveries.filter((d) => d.path === path),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function createTopic(sns: SNSClient, name: string): Promise<string> {
  return (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
}

/** Subscribes an HTTP endpoint; a filter policy on the message attributes proves they arrive as sent. */
export async function subscribe(sns: SNSClient, topicArn: string, endpoint: string, filterPolicy?: Record<string, string[]>): Promise<void> {
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'http',
      Endpoint: endpoint,
      Attributes: filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : undefined,
      ReturnSubscriptionArn: true,
    }),
  );
}

export interface StoredMetric {
  name: string;
  dimensions: Record<string, string>;
}

export async function listMetrics(cw: CloudWatchClient, namespace: string): Promise<StoredMetric[]> {
  const out: StoredMetric[] = [];
  let token: string | undefined;
  // Bounded: a test namespace holds a few hundred metrics at most (500 per page).
  for (let page = 0; page < 20; page++) {
    const res = await cw.send(new ListMetricsCommand({ Namespace: namespace, NextToken: token }));
    for (const m of res.Metrics ?? []) {
      out.push({ name: m.MetricName!, dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name!, d.Value!])) });
    }
    token = res.NextToken;
    if (!token) break;
  }
  return out;
}

/** Counts the commands a client sends (once per command) and the HTTP attempts (retries included). */
export function countRequests(client: CloudWatchClient | SNSClient): { commands: string[]; attempts: string[] } {
  const counts = { commands: [] as string[], attempts: [] as string[] };
  const stack = client.middlewareStack as unknown as {
    add(mw: unknown, options: Record<string, unknown>): void;
  };
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => (args: unknown) => {
      counts.commands.push(context.commandName);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => (args: unknown) => {
      counts.attempts.push(context.commandName);
      return next(args);
    },
    { step: 'deserialize', name: 'countAttempts' },
  );
  return counts;
}

export interface MetricReading {
  /** Epoch ms of the one-second bucket the datum is stored in: its timestamp to the second. */
  timestamp: number;
  /** Maximum of the bucket (the value, for a single datum). */
  value: number;
  /** SampleCount of the bucket: 1 unless datums share a second. */
  count: number;
}

/** From the probe start to its second, the resolution CloudWatch stores a standard-resolution datum at. */
export const toSecond = (at: string | number): number => Math.floor((typeof at === 'string' ? Date.parse(at) : at) / 1_000) * 1_000;

/**
 * Every datum of one metric stored with `unit` (a datum stored with another
 * unit does not match), read with GetMetricData in one-second buckets over
 * `window` (epoch ms, end exclusive): each bucket that holds data gives its
 * timestamp, Maximum and SampleCount. One-second periods are what moto
 * answers to the second; real CloudWatch would want 60 for these metrics.
 * moto ignores the namespace of a query with dimensions, so a window should
 * not reach another test's datums of the same check name.
 */
export async function metricData(
  cw: CloudWatchClient,
  namespace: string,
  name: string,
  dimensions: Record<string, string>,
  unit: string,
  window: { start: number; end: number },
): Promise<MetricReading[]> {
  const metric = { Namespace: namespace, MetricName: name, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) };
  const stat = (Id: string, Stat: string) => ({ Id, MetricStat: { Metric: metric, Period: 1, Stat, Unit: unit as never } });
  const res = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(window.start),
      EndTime: new Date(window.end),
      MetricDataQueries: [stat('value', 'Maximum'), stat('count', 'SampleCount')],
      ScanBy: 'TimestampAscending',
    }),
  );
  const of = (id: string) => res.MetricDataResults?.find((r) => r.Id === id);
  const values = of('value');
  const counts = of('count');
  return (values?.Timestamps ?? []).map((t, i) => ({ timestamp: t.getTime(), value: values!.Values![i]!, count: counts?.Values?.[i] ?? Number.NaN }));
}

/** The values of one metric stored in the second `at` falls in (a probe's startedAt). */
export async function valuesAt(cw: CloudWatchClient, namespace: string, name: string, dimensions: Record<string, string>, unit: string, at: string | number): Promise<number[]> {
  const second = toSecond(at);
  return (await metricData(cw, namespace, name, dimensions, unit, { start: second, end: second + 1_000 })).map((r) => r.value);
}
