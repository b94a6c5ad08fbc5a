/**
 * One attempt of one check, as a CheckResult: the probe, then the
 * assertions on what it saw, cache and Server-Timing read from the headers,
 * secret headers redacted. The runner adds retries and the batch deadline.
 */
import type { AssertionResult, CheckResult, Failure } from '../../lib/spec/result.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';
import { evaluateAssertions, failedAssertions } from '../assertions.ts';
import { redactHeaders } from '../redact.ts';
import { parseCache } from './cache.ts';
import { isRetryableStatus } from './classify.ts';
import { probe, type AttemptOptions } from './http.ts';
import { parseServerTiming } from './server-timing.ts';

export async function checkOnce(spec: CheckSpec, options: AttemptOptions): Promise<CheckResult> {
  const startedAt = new Date().toISOString();
  const outcome = await probe(spec, options);
  const { statusCode, headers } = outcome;

  // Assertions need a response; a body that was too large is still a response (its body checks say they did not run).
  const answered = statusCode !== null && headers !== null && (outcome.failure === null || outcome.failure.kind === 'body-too-large');
  const assertions =
    answered && statusCode !== null && headers !== null
      ? evaluateAssertions(spec.assert, {
          url: outcome.url,
          statusCode,
          headers,
          totalMs: outcome.timings.total,
          bodyText: outcome.bodyText,
          certificate: outcome.certificate,
          secretHeaders: spec.secretHeaders,
        })
      : [];
  const failure = outcome.failure ?? assertionFailure(assertions, statusCode);

  return {
    name: spec.name,
    url: spec.url,
    method: spec.method,
    ok: failure === null,
    startedAt,
    statusCode,
    timings: outcome.timings,
    failure,
    assertions,
    attempts: 1,
    redirects: outcome.redirects,
    bodyBytes: outcome.bodyBytes,
    bodyExcerpt: outcome.bodyExcerpt,
    responseHeaders: headers ? redactHeaders(headers, spec.secretHeaders) : null,
    certificate: outcome.certificate,
    cache: headers ? parseCache(headers) : null,
    serverTiming: headers ? parseServerTiming(headers['server-timing']) : null,
  };
}

/** The first failed critical assertion (status first) becomes the failure; the others are counted in its message. */
function assertionFailure(assertions: AssertionResult[], statusCode: number | null): Failure | null {
  const failed = failedAssertions(assertions);
  const first = failed.find((a) => a.type === 'status') ?? failed[0];
  if (!first) return null;
  const more = failed.length - 1;
  const message = more > 0 ? `${first.message} (and ${more} more failed assertion${more === 1 ? '' : 's'})` : first.message;
  return first.type === 'status'
    ? { kind: 'status', message, retryable: statusCode !== null && isRetryableStatus(statusCode), phase: null, code: null }
    : { kind: 'assertion', message, retryable: false, phase: null, code: null };
}
