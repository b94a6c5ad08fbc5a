/** The README's reference tables state the defaults; they must match the code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CHECK_DEFAULTS, CONFIG_DEFAULTS, defaultStatus } from '../../lib/spec/defaults.ts';
import { parseConfigText } from '../../lib/spec/load.ts';
import { formatDuration, formatSize } from '../../lib/spec/units.ts';

const README = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8');

/** field -> default column, from every markdown table row whose first cell is a `code` field name. */
function documentedDefaults(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of README.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const field = /^`([\w.]+)`$/.exec(cells[1] ?? '');
    if (field && cells.length >= 5) rows.set(field[1]!, cells[3]!);
  }
  return rows;
}

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

describe('README reference table', () => {
  const docs = documentedDefaults();
  const expected: Record<string, string> = {
    namespace: code(CONFIG_DEFAULTS.namespace),
    method: code(CHECK_DEFAULTS.method),
    headers: code(CHECK_DEFAULTS.headers),
    secretHeaders: code(CHECK_DEFAULTS.secretHeaders),
    frequency: code(formatDuration(CHECK_DEFAULTS.frequency)),
    timeout: code(formatDuration(CHECK_DEFAULTS.timeout)),
    retries: code(CHECK_DEFAULTS.retries),
    followRedirects: code(CHECK_DEFAULTS.followRedirects),
    maxBodySize: code(formatSize(CHECK_DEFAULTS.maxBodySize)),
    'tls.verify': code(CHECK_DEFAULTS.tls.verify),
    'assert.securityHeaders': code(CHECK_DEFAULTS.assert.securityHeaders),
    'assert.json': code(CHECK_DEFAULTS.assert.json),
    'assert.headers': code(CHECK_DEFAULTS.assert.headers),
    'metrics.timings': code(CHECK_DEFAULTS.metrics.timings),
    'metrics.cache': code(CHECK_DEFAULTS.metrics.cache),
    'metrics.serverTiming': code(CHECK_DEFAULTS.metrics.serverTiming),
    'alarm.datapointsToAlarm': code(CHECK_DEFAULTS.alarm.datapointsToAlarm),
    'alarm.evaluationPeriods': code(CHECK_DEFAULTS.alarm.evaluationPeriods),
    'assert.status': `${code(defaultStatus(5).join(', '))} (${code(defaultStatus(0).join('`, `'))} when \`followRedirects\` is off)`,
  };
  for (const [field, want] of Object.entries(expected)) {
    it(`documents the default of ${field} as the code has it`, () => {
      assert.equal(docs.get(field), want);
    });
  }

  it('documents every field the example file uses', () => {
    const result = parseConfigText(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../watchpost.yaml'), 'utf8'), 'watchpost.yaml');
    assert.equal(result.ok, true);
    for (const field of ['name', 'url', 'method', 'timeout', 'retries', 'assert.latency', 'assert.body', 'assert.certificate', 'runbook.url']) {
      assert.ok(docs.has(field), `README table lacks ${field}`);
    }
  });
});
