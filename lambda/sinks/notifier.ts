/**
 * SNS notices: a failure detail when a check starts failing and a recovery
 * notice when it passes again, each carrying the why (check, URL, kind,
 * message, status, timings, attempts, region, time) and the runbook fields.
 * Plain text, so an e-mail reads well; message attributes let subscribers filter.
 */
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { PHASE_METRICS } from '../../lib/spec/metrics.ts';
import type { CheckResult, Timings } from '../../lib/spec/result.ts';
import type { CheckSpec, Severity } from '../../lib/spec/types.ts';
import { truncateBytes, type Scrubber } from './scrub.ts';

export const SUBJECT_MAX = 100;
export const BODY_EXCERPT_MAX_BYTES = 512;

export type NoticeEvent = 'failure' | 'recovery';

export interface Notice {
  event: NoticeEvent;
  check: string;
  severity: Severity;
  subject: string;
  message: string;
  attributes: { check: string; severity: Severity; kind: string; owner: string; event: NoticeEvent };
}

export interface NoticeContext {
  region: string;
  batch: string;
}

/**
 * The severity of a failing check: a check that fails only on its
 * certificate assertion is a warning (like its certificate alarm); anything
 * else is critical (like its availability alarm).
 */
export function severityOf(result: CheckResult): Severity {
  const failed = result.assertions.filter((a) => !a.ok && a.severity === 'critical');
  const onlyCertificate = result.failure?.kind === 'assertion' && failed.length > 0 && failed.every((a) => a.type === 'certificate');
  return onlyCertificate ? 'warning' : 'critical';
}

export function failureNotice(spec: CheckSpec, result: CheckResult, scrub: Scrubber, context: NoticeContext): Notice {
  const severity = severityOf(result);
  const kind = result.failure?.kind ?? 'unknown';
  const why = scrub.text(result.failure?.message ?? 'the check failed');
  const lines = [
    `Watchpost check "${spec.name}" is FAILING (${severity}).`,
    '',
    `Check:     ${spec.name}`,
    `URL:       ${spec.method} ${scrub.url(result.url)}`,
    `Kind:      ${kind}`,
    `Why:       ${why}`,
    ...runLines(result, context),
    ...runbookLines(spec),
  ];
  const failedAssertions = result.assertions.filter((a) => !a.ok);
  if (failedAssertions.length > 0) {
    lines.push('', 'Failed assertions:');
    for (const a of failedAssertions) lines.push(`  - [${a.severity}] ${a.type}: ${scrub.text(a.message)}`);
  }
  const headers = scrub.headers(result.responseHeaders);
  if (headers && Object.keys(headers).length > 0) {
    lines.push('', 'Response headers:');
    for (const [name, value] of Object.entries(headers)) lines.push(`  ${name}: ${value}`);
  }
  if (result.bodyExcerpt) {
    lines.push('', `Body (first ${BODY_EXCERPT_MAX_BYTES} bytes at most):`, bodyExcerpt(result.bodyExcerpt, scrub));
  }
  return {
    event: 'failure',
    check: spec.name,
    severity,
    subject: subjectLine(`Watchpost FAILING ${spec.name}: ${kind} - ${why}`),
    message: lines.join('\n'),
    attributes: { check: spec.name, severity, kind, owner: spec.runbook.owner ?? 'unowned', event: 'failure' },
  };
}

export function recoveryNotice(
  spec: CheckSpec,
  result: CheckResult,
  scrub: Scrubber,
  context: NoticeContext & { severity: Severity },
): Notice {
  const lines = [
    `Watchpost check "${spec.name}" has RECOVERED: it passes again.`,
    '',
    `Check:     ${spec.name}`,
    `URL:       ${spec.method} ${scrub.url(result.url)}`,
    ...runLines(result, context),
    ...runbookLines(spec),
  ];
  return {
    event: 'recovery',
    check: spec.name,
    severity: context.severity,
    subject: subjectLine(`Watchpost RECOVERED ${spec.name}`),
    message: lines.join('\n'),
    attributes: {
      check: spec.name,
      severity: context.severity,
      kind: 'recovered',
      owner: spec.runbook.owner ?? 'unowned',
      event: 'recovery',
    },
  };
}

export async function sendNotice(
  client: SNSClient,
  topicArn: string,
  notice: Notice,
  options: { abortSignal?: AbortSignal } = {},
): Promise<void> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(notice.attributes)) attributes[name] = { DataType: 'String', StringValue: value };
  await client.send(
    new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.message, MessageAttributes: attributes }),
    { abortSignal: options.abortSignal },
  );
}

/** What the run saw and where it ran: the same lines in failure and recovery notices. */
function runLines(result: CheckResult, context: NoticeContext): string[] {
  return [
    `Status:    ${result.statusCode ?? 'no response'}`,
    `Timings:   ${formatTimings(result.timings)}`,
    `Attempts:  ${result.attempts}`,
    `Region:    ${context.region}`,
    `Time:      ${result.startedAt}`,
    `Batch:     ${context.batch}`,
  ];
}

function runbookLines(spec: CheckSpec): string[] {
  const r = spec.runbook;
  return [
    `Owner:     ${r.owner ?? '(not set)'}`,
    `Expected:  ${r.expected ?? '(not set)'}`,
    `Rollback:  ${r.rollback ?? '(not set)'}`,
    `Runbook:   ${r.url ?? '(not set)'}`,
  ];
}

function formatTimings(t: Timings): string {
  const phases = PHASE_METRICS
    .filter((p) => t[p] !== null)
    .map((p) => `${p} ${round(t[p]!)}`);
  return [...phases, `total ${round(t.total)}`].join(', ') + ' (ms)';
}

function round(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

function bodyExcerpt(excerpt: string, scrub: Scrubber): string {
  return truncateBytes(scrub.text(excerpt), BODY_EXCERPT_MAX_BYTES);
}

/**
 * SNS subjects: at most 100 characters, printable ASCII, no line breaks, and
 * must start with a letter, number or punctuation.
 */
export function subjectLine(text: string): string {
  const clean = text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  return clean.length <= SUBJECT_MAX ? clean : `${clean.slice(0, SUBJECT_MAX - 3)}...`;
}
