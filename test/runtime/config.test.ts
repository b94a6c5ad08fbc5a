/**
 * Start-up: the environment and the bundled check file are read once, and a
 * bad one fails the start naming what is wrong.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configFilePath, loadBundledConfig, readEnvironment, StartupError } from '../../lambda/config.ts';
import { budget, parseEvent } from '../../lambda/invocation.ts';
import { PROBE_BUNDLE } from '../../lib/probe-bundle.ts';
import { bundledConfig, RUNTIME_ENV } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('environment', () => {
  it('reads namespace, topics and region', () => {
    assert.deepEqual(readEnvironment(RUNTIME_ENV), {
      namespace: 'WatchpostTest',
      topics: { critical: RUNTIME_ENV.WATCHPOST_CRITICAL_TOPIC_ARN, warning: RUNTIME_ENV.WATCHPOST_WARNING_TOPIC_ARN },
      region: 'us-east-1',
    });
  });

  it('a missing variable fails naming it', () => {
    const { WATCHPOST_WARNING_TOPIC_ARN: _w, AWS_REGION: _r, ...rest } = RUNTIME_ENV;
    assert.throws(() => readEnvironment({ ...rest, WATCHPOST_NAMESPACE: ' ' }), {
      name: 'WatchpostStartupError',
      message: /environment variables WATCHPOST_NAMESPACE, WATCHPOST_WARNING_TOPIC_ARN, AWS_REGION not set/,
    });
  });

  it('the handler module fails at start with the name, not at the first event', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "await import('./lambda/handler.ts')"],
      { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, WATCHPOST_NAMESPACE: 'X' }, timeout: 60_000 },
    );
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /WATCHPOST_CRITICAL_TOPIC_ARN, WATCHPOST_WARNING_TOPIC_ARN, AWS_REGION not set/);
  });
});

describe('bundled check file', () => {
  it('sits beside the handler under the name the construct writes, unless WATCHPOST_CONFIG_FILE says otherwise', () => {
    assert.equal(configFilePath({}, '/var/task'), path.join('/var/task', PROBE_BUNDLE.configFileName));
    assert.equal(configFilePath({ WATCHPOST_CONFIG_FILE: '/tmp/x.json' }, '/var/task'), '/tmp/x.json');
  });

  it('is validated with the spec module: defaults filled', () => {
    const config = loadBundledConfig(bundledConfig({ checks: [{ name: 'api', url: 'https://api.example/' }] }));
    assert.equal(config.namespace, 'Watchpost');
    assert.equal(config.checks[0]!.timeout, 10_000);
  });

  it('an invalid file fails the start listing every problem', () => {
    const file = bundledConfig({ checks: [{ name: 'api', url: 'ftp://x' }, { url: 'https://b.example/' }] });
    assert.throws(() => loadBundledConfig(file), (err: unknown) => {
      assert.ok(err instanceof StartupError);
      assert.match(err.message, /is invalid:\n/);
      assert.match(err.message, /checks\[0\] \(api\)\.url/);
      assert.match(err.message, /checks\[1\]\.name/);
      return true;
    });
  });

  it('a missing or unparsable file names the file', () => {
    assert.throws(() => loadBundledConfig('/nonexistent/watchpost.config.json'), /\/nonexistent\/watchpost.config.json does not exist/);
    const file = bundledConfig({});
    writeFileSync(file, '{not json');
    assert.throws(() => loadBundledConfig(file), /is not valid JSON/);
  });
});

describe('scheduled event', () => {
  it('a well-formed event passes', () => {
    const event = { batch: 'f1m-0', checks: ['a', 'b'], scheduledTime: '2026-11-26T08:00:00Z' };
    assert.deepEqual(parseEvent(event), { ok: true, event });
  });

  it('every problem is named with what was expected and what came', () => {
    assert.deepEqual(parseEvent({ batch: '', checks: ['a', 3], scheduledTime: 'yesterday' }), {
      ok: false,
      problems: [
        'event.batch: expected a batch id like "f1m-0", got ""',
        'event.checks[1]: expected a check name, got 3',
        'event.scheduledTime: expected an ISO 8601 time like "2026-01-01T00:00:00Z", got "yesterday"',
      ],
    });
    assert.deepEqual(parseEvent([1]), { ok: false, problems: ['event: expected an object {batch, checks, scheduledTime}, got [1]'] });
    const missing = parseEvent({ batch: 'f1m-0' });
    assert.ok(!missing.ok && missing.problems.includes('event.checks: expected a non-empty list of check names, got nothing'));
  });
});

describe('deadline budget', () => {
  it('reserves the stack reserve for publishing when there is time, and never the last 10%', () => {
    assert.deepEqual(budget(0, 20_000), { probeDeadline: 15_000, publishDeadline: 19_000 });
  });
  it('a short deadline still leaves the probes most of it', () => {
    assert.deepEqual(budget(0, 2_000), { probeDeadline: 1_200, publishDeadline: 1_800 });
  });
});
