import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin', 'watchpost.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'watchpost-validate-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function watchpost(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const NO_STACK = /\n\s+at .+:\d+:\d+/;

describe('watchpost validate', () => {
  it('accepts the example watchpost.yaml and exits 0', () => {
    const r = watchpost(['validate']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'watchpost.yaml: 3 checks valid (namespace Watchpost)\n');
  });

  it('prints all three independent mistakes with their paths, exits 2, no stack trace', () => {
    const f = file(
      'three.yaml',
      [
        'alerting: { critical: { email: [not-an-address] } }',
        'checks:',
        '  - name: shop-home',
        '    url: https://shop.example.com/',
        '    timout: 5s',
        '  - name: api',
        '    url: https://api.example.com/',
        '    frequency: 1m',
        '    timeout: 2m',
        '',
      ].join('\n'),
    );
    const r = watchpost(['validate', '--config', f], tmp);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      [
        'three.yaml: checks[0] (shop-home).timout: unknown field, did you mean "timeout"?',
        'three.yaml: checks[1] (api).timeout: must be less than frequency 1m, got "2m"',
        'three.yaml: alerting.critical.email[0]: must be an e-mail address such as oncall@example.com, got "not-an-address"',
        '3 problems in three.yaml',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  it('reports YAML syntax errors with line and column', () => {
    const f = file('syntax.yaml', 'checks:\n  - name: a\n    url: [unclosed\n');
    const r = watchpost(['validate', '--config', f], tmp);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^syntax\.yaml:\d+:\d+: invalid YAML: /);
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  it('accepts JSON check files', () => {
    const f = file('checks.json', JSON.stringify({ checks: [{ name: 'a', url: 'https://a.example/', timeout: '2s' }] }));
    const r = watchpost(['validate', '--config', f], tmp);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 check valid/);
  });

  it('--json prints the normalized config with defaults filled', () => {
    const f = file('one.yaml', 'checks:\n  - name: a\n    url: https://a.example/\n');
    const r = watchpost(['validate', '--json', '--config', f], tmp);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, true);
    assert.deepEqual(
      { timeout: doc.config.checks[0].timeout, frequency: doc.config.checks[0].frequency, status: doc.config.checks[0].assert.status },
      { timeout: 10_000, frequency: 60_000, status: ['2xx'] },
    );
  });

  it('--json lists problems and exits 2', () => {
    const f = file('bad.yaml', 'checks: []\n');
    const r = watchpost(['validate', '--json', '--config', f], tmp);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout).problems, [{ where: 'checks', message: 'must list at least one check, got []' }]);
  });

  it('a missing file is a clear error, exit 2', () => {
    const r = watchpost(['validate', '--config', 'nope.yaml'], tmp);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'nope.yaml: no such file\n1 problem in nope.yaml\n');
  });

  it('usage errors exit 2 with one line and a pointer to --help', () => {
    const unknownOption = watchpost(['validate', '--bogus']);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /^watchpost: validate: Unknown option '--bogus'/);
    const unknownCommand = watchpost(['deploy']);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /unknown command "deploy"; expected one of validate, run, cost/);
    assert.doesNotMatch(unknownOption.stderr + unknownCommand.stderr, NO_STACK);
  });
});
