import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main, type CliIO } from '../../lib/cli/main.ts';

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

/** Each level repeats the one before ten times: 1,000 copies from a few lines. */
const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'checks: [{ name: x, url: "https://x.test/" }]',
  '',
].join('\n');

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

  it('--json names syntax problems with the file relative to the working directory, as the text output does', () => {
    const f = file('syntax-json.yaml', 'checks:\n  - name: a\n   url: x\n');
    const r = watchpost(['validate', '--json', '--config', f], tmp);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), {
      ok: false,
      file: 'syntax-json.yaml',
      problems: [{ where: 'syntax-json.yaml:3:1', message: 'invalid YAML: Sequence item without - indicator' }],
    });
    const text = watchpost(['validate', '--config', f], tmp);
    assert.equal(text.stderr, 'syntax-json.yaml:3:1: invalid YAML: Sequence item without - indicator\n1 problem in syntax-json.yaml\n');
  });

  it('--json names a missing file relative to the working directory', () => {
    const r = watchpost(['validate', '--json', '-c', 'nope.yaml'], tmp);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), { ok: false, file: 'nope.yaml', problems: [{ where: 'nope.yaml', message: 'no such file' }] });
  });

  it('--help documents the -c short form of --config', () => {
    const r = watchpost(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ {2}-c, --config FILE {3}the check file \(default: watchpost\.yaml\)$/m);
  });

  it('a self-referencing YAML alias is a problem with its position, not an internal error', () => {
    const f = file('loop.yaml', 'checks: &c [ {name: x, url: "https://x.test/", body: *c} ]\n');
    const r = watchpost(['validate', '--config', f], tmp);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'loop.yaml:1:54: a value refers to itself: alias *c sits inside the value anchored &c; expected plain data (write the value out)\n1 problem in loop.yaml\n',
    );
  });

  it('an alias bomb is a problem, not an internal error', () => {
    const f = file('bomb.yaml', ALIAS_BOMB);
    const r = watchpost(['validate', '--config', f], tmp);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'bomb.yaml: YAML aliases expand too much (past 100 expansions, the guard against alias bombs); expected plain data or a few aliases\n1 problem in bomb.yaml\n',
    );
  });

  it('the CDK app stops on the same YAML problems, exit 2, no stack trace', () => {
    for (const [name, text] of [['app-loop.yaml', 'checks: &c [ {name: x, url: "https://x.test/", body: *c} ]\n'], ['app-bomb.yaml', ALIAS_BOMB]] as const) {
      const f = file(name, text);
      const env = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: f }), CDK_OUTDIR: path.join(tmp, `out-${name}`) };
      const app = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
      const validate = watchpost(['validate', '--config', f]);
      assert.equal(app.status, 2, app.stderr);
      assert.equal(app.stderr, validate.stderr);
      assert.match(app.stderr, /^1 problem in /m);
      assert.doesNotMatch(app.stderr, NO_STACK);
    }
  });

  it('the CDK app rejects a bad -c checkStacks with one line, exit 2, no stack trace', () => {
    const f = file('app-ok.yaml', 'checks:\n  - name: home\n    url: https://example.test/\n');
    const cases = [
      ['abc', '-c checkStacks: must be a whole number, got "abc"\n'],
      ['0', `${f}: checkStacks: must be a whole number from 1 to 200, got 0\n1 problem in ${f}\n`],
    ] as const;
    for (const [value, expected] of cases) {
      const env = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: f, checkStacks: value }), CDK_OUTDIR: path.join(tmp, `out-stacks-${value}`) };
      const app = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
      assert.equal(app.status, 2, app.stderr);
      // The file lies outside the working directory, so it is named by its absolute path.
      assert.equal(app.stderr, expected);
    }
  });

  it('an unexpected error with a multi-line message is still one line', async () => {
    const err: string[] = [];
    const io: CliIO = {
      stdout: new Writable({
        write() {
          throw new Error('Converting circular structure to JSON\n    --> starting at object\n    --- index 0 closes the circle');
        },
      }),
      stderr: new Writable({
        write(chunk, _enc, done) {
          err.push(String(chunk));
          done();
        },
      }),
      env: {},
      cwd: ROOT,
    };
    assert.equal(await main(['validate'], io), 2);
    assert.equal(err.join(''), 'watchpost: internal error: Converting circular structure to JSON\n');
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
