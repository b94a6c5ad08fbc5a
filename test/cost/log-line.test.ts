/**
 * The cost model sizes log lines with a mirror of lambda/sinks/log-lines.ts
 * (lib/ may not import lambda/). These tests hold the mirror to the real
 * formatter, byte for byte, so a changed log line changes the estimate too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultLine, type SummaryLine } from '../../lambda/sinks/log-lines.ts';
import { scrubberFor } from '../../lambda/sinks/scrub.ts';
import { PLATFORM_LOG_BYTES_PER_INVOCATION, representativeResult, resultLogLineBytes, summaryLogLineBytes } from '../../lib/cost-log-line.ts';
import { checkSpec } from '../fixtures/spec.ts';

const WHERE = { region: 'eu-west-1', batch: 'f5m-12' };

describe('log line estimate', () => {
  const specs = [
    checkSpec({ name: 'plain', url: 'http://a.example/' }),
    checkSpec({
      name: 'a-much-longer-check-name-with-everything',
      url: 'https://user:s3cr3t-password@shop.example.com/path/to/a/page?query=1',
      assert: { latency: { warning: 800, critical: 2000 }, certificate: { minDaysRemaining: 14 } },
      metrics: { timings: true, cache: true, serverTiming: ['db', 'app'] },
    }),
  ];

  for (const spec of specs) {
    it(`sizes the result line of "${spec.name}" exactly as the runtime writes it`, () => {
      const real = `${JSON.stringify(resultLine(representativeResult(spec), scrubberFor(spec), WHERE))}\n`;
      assert.equal(resultLogLineBytes(spec, WHERE), Buffer.byteLength(real));
    });
  }

  it('sizes the batch summary line exactly as the runtime writes it', () => {
    const line: SummaryLine = {
      level: 'info',
      msg: 'batch summary',
      batch: WHERE.batch,
      region: WHERE.region,
      outcome: 'probed',
      checks: 25,
      passed: 25,
      failed: 0,
      datapoints: 175,
      putMetricDataCalls: 1,
      metricsFallback: 'none',
      notificationsSent: 0,
      notificationsFailed: 0,
      elapsed: 1512,
      remaining: 13488,
      errors: [],
    };
    assert.equal(summaryLogLineBytes(25, 175, 1, WHERE), Buffer.byteLength(`${JSON.stringify(line)}\n`));
  });

  it('counts the Lambda platform lines of an invocation', () => {
    // START (≈73 bytes), END (≈52) and REPORT (≈130) lines, newline included.
    assert.ok(PLATFORM_LOG_BYTES_PER_INVOCATION > 200 && PLATFORM_LOG_BYTES_PER_INVOCATION < 320, String(PLATFORM_LOG_BYTES_PER_INVOCATION));
  });
});
