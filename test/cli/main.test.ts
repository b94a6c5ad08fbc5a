import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { main, type CliIO } from '../../lib/cli/main.ts';

function capture(failStdout = false) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[], fail: boolean) =>
    new Writable({
      write(chunk, _enc, done) {
        if (fail) throw new Error('stdout closed');
        into.push(String(chunk));
        done();
      },
    });
  const io: CliIO = { stdout: sink(out, failStdout), stderr: sink(err, false), env: {}, cwd: process.cwd() };
  return { io, out, err };
}

describe('cli main', () => {
  it('no command prints help and exits 2', async () => {
    const { io, out } = capture();
    assert.equal(await main([], io), 2);
    assert.match(out.join(''), /^watchpost: synthetic monitoring as code on AWS/);
  });

  it('--help exits 0', async () => {
    const { io, out } = capture();
    assert.equal(await main(['--help'], io), 0);
    assert.match(out.join(''), /watchpost validate \[--config FILE\] \[--json\]/);
  });

  it('an unexpected internal error is one line and exit 2, with no stack trace', async () => {
    const { io, err } = capture(true);
    assert.equal(await main(['validate'], io), 2);
    assert.equal(err.join(''), 'watchpost: internal error: stdout closed\n');
  });
});
