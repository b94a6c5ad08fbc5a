/**
 * The cost model sizes log lines with the runtime's own builder (the log line
 * contract, lib/spec/log-lines.ts). These tests hold the estimate to what the
 * runtime really writes: its result line byte for byte, its summary line
 * field for field, so a changed log line changes the estimate too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { createHandler, type Runtime } from '../../lambda/invocation.ts';
import { IncidentMemory } from '../../lambda/sinks/incident-state.ts';
import * as runtimeLines from '../../lambda/sinks/log-lines.ts';
import { scrubberFor } from '../../lambda/sinks/scrub.ts';
import {
  logLineBytes,
  PLATFORM_LOG_BYTES_PER_INVOCATION,
  representativeResult,
  representativeSummaryLine,
  resultLogLineBytes,
  summaryLogLineBytes,
} from '../../lib/cost-log-line.ts';
import * as contract from '../../lib/spec/log-lines.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';
import { checkSpec } from '../fixtures/spec.ts';

const WHERE = { region: 'eu-west-1', batch: 'f5m-12' };

/** The bytes the runtime writes for a result: its builder, its scrubber, its writer's newline. */
const written = (spec: CheckSpec) => Buffer.byteLength(`${JSON.stringify(runtimeLines.resultLine(representativeResult(spec), scrubberFor(spec), WHERE))}\n`);

describe('log line estimate', () => {
  it('is built by the one builder the runtime writes with', () => {
    assert.equal(runtimeLines.resultLine, contract.resultLine);
  });

  const plain = checkSpec({ name: 'plain', url: 'http://a.example/' });
  const full = checkSpec({
    name: 'a-much-longer-check-name-with-everything',
    url: 'https://shop.example.com/path/to/a/page?query=1',
    headers: { Authorization: 'Bearer sk-live-0123456789' },
    assert: { latency: { warning: 800, critical: 2000 }, certificate: { minDaysRemaining: 14 } },
    metrics: { timings: true, cache: true, serverTiming: ['db', 'app'] },
  });
  for (const spec of [plain, full]) {
    it(`sizes the result line of "${spec.name}" exactly as the runtime writes it`, () => {
      assert.equal(resultLogLineBytes(spec, WHERE), written(spec));
    });
  }

  it('follows the check: a longer name and URL make a longer line by exactly their extra bytes', () => {
    const extra = full.name.length - plain.name.length + (full.url.length - plain.url.length);
    // The https result also reads 206.307 ms where the http one reads 164.381: same digits.
    assert.equal(resultLogLineBytes(full, WHERE) - resultLogLineBytes(plain, WHERE), extra);
  });

  it('keeps a password in the URL, where the runtime writes "redacted": the bytes differ by exactly that', () => {
    const spec = checkSpec({ name: 'creds', url: 'https://user:s3cr3t-password@shop.example.com/' });
    assert.equal(resultLogLineBytes(spec, WHERE) - written(spec), 's3cr3t-password'.length - 'redacted'.length);
  });

  it('sizes the batch summary line with the fields the handler writes', async () => {
    // A stale run: the handler writes its summary without probing or calling AWS.
    const spec = checkSpec({ name: 'api', url: 'https://api.example.com/' });
    const lines: string[] = [];
    const runtime: Runtime = {
      env: { namespace: 'Watchpost', topics: { critical: 'arn:aws:sns:eu-west-1:123456789012:c', warning: 'arn:aws:sns:eu-west-1:123456789012:w' }, region: WHERE.region },
      config: { namespace: 'Watchpost', alerting: { critical: { email: [], https: [], sms: [] }, warning: { email: [], https: [], sms: [] } }, checks: [spec] },
      specs: new Map([[spec.name, spec]]),
      cloudWatch: new CloudWatchClient({ region: WHERE.region }),
      sns: new SNSClient({ region: WHERE.region }),
      memory: new IncidentMemory(),
      log: (line) => lines.push(line),
      runChecks: () => Promise.reject(new Error('a stale run probes nothing')),
      now: () => Date.parse('2026-11-26T08:30:00Z'),
    };
    const event = { batch: WHERE.batch, checks: [spec.name], scheduledTime: '2026-11-26T08:00:00Z' };
    await createHandler(runtime)(event, { getRemainingTimeInMillis: () => 15_000 });
    const real = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    assert.equal(real.msg, 'batch summary');

    const estimated = representativeSummaryLine(25, 175, 1, WHERE);
    const typesOf = (line: object) => Object.entries(line).map(([k, v]) => `${k}:${Array.isArray(v) ? 'array' : typeof v}`).sort();
    assert.deepEqual(typesOf(estimated), typesOf(real));
    assert.equal(summaryLogLineBytes(25, 175, 1, WHERE), logLineBytes(estimated));
    // Counts are written as digits: checks and passed 25 → 100 and datapoints 175 → 1000 are a digit more each.
    assert.equal(summaryLogLineBytes(100, 1_000, 1, WHERE) - summaryLogLineBytes(25, 175, 1, WHERE), 3);
  });

  it('counts the Lambda platform lines of an invocation', () => {
    // START (≈73 bytes), END (≈52) and REPORT (≈130) lines, newline included.
    assert.ok(PLATFORM_LOG_BYTES_PER_INVOCATION > 200 && PLATFORM_LOG_BYTES_PER_INVOCATION < 320, String(PLATFORM_LOG_BYTES_PER_INVOCATION));
  });
});
