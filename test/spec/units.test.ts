import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatSize, parseDuration, parseSize } from '../../lib/spec/units.ts';

describe('durations', () => {
  const table: Array<[string, number]> = [['250ms', 250], ['5s', 5000], ['1.5s', 1500], ['1m', 60_000], ['1h', 3_600_000], [' 2s ', 2000]];
  for (const [text, ms] of table) it(`${JSON.stringify(text)} is ${ms} ms`, () => assert.deepEqual(parseDuration(text), { ok: true, value: ms }));
  it('a bare number asks for a unit', () =>
    assert.deepEqual(parseDuration(5), { ok: false, expected: 'a duration with a unit, such as "5s" or "5ms"' }));
  it('an unknown unit lists the units', () => assert.match((parseDuration('5min') as { expected: string }).expected, /ms, s, m or h/));
  it('formats as people write them', () =>
    assert.deepEqual([60_000, 1500, 250, 3_600_000, 90_000].map(formatDuration), ['1m', '1.5s', '250ms', '1h', '90s']));
});

describe('sizes', () => {
  const table: Array<[string, number]> = [['100B', 100], ['512KiB', 524_288], ['1MiB', 1_048_576], ['1MB', 1_000_000], ['1GiB', 1024 ** 3]];
  for (const [text, bytes] of table) it(`${text} is ${bytes} bytes`, () => assert.deepEqual(parseSize(text), { ok: true, value: bytes }));
  it('a bare number asks for a unit', () => assert.equal(parseSize(1024).ok, false));
  it('lowercase units are rejected rather than guessed', () => assert.equal(parseSize('1mib').ok, false));
  it('formats with binary units', () => assert.deepEqual([1_048_576, 524_288, 100].map(formatSize), ['1MiB', '512KiB', '100B']));
});
