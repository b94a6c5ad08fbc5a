/**
 * `npm run demo`: starts the demo service on 127.0.0.1, runs examples/demo.yaml
 * against it with the same runner and reporter as `watchpost run`, stops the
 * service. Exits 0 when the checks behave as intended (the one meant to fail
 * fails, the rest pass). No internet, no AWS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTENDED_FAILURES, startDemoTarget } from '../examples/demo-target.ts';
import { runAndReport } from '../lib/cli/commands/run.ts';
import { printProblems } from '../lib/cli/config.ts';
import type { CliIO } from '../lib/cli/main.ts';
import { createReporter } from '../lib/cli/reporters/index.ts';
import { EXIT } from '../lib/cli/usage.ts';
import { parseConfigText } from '../lib/spec/load.ts';

const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'demo.yaml');
const source = path.relative(io.cwd, file) || file;

const target = await startDemoTarget();
try {
  io.stdout.write(`Demo service listening on ${target.url}\n`);
  const parsed = parseConfigText(readFileSync(file, 'utf8').replaceAll('${DEMO_URL}', target.url), file);
  if (!parsed.ok) {
    printProblems({ ok: false, file, problems: parsed.problems }, io);
    process.exitCode = EXIT.configError;
  } else {
    const results = await runAndReport(parsed.config.checks, createReporter('list', io), source);
    const unexpected = results
      .filter((r) => r.ok === INTENDED_FAILURES.includes(r.name))
      .map((r) => `${r.name} ${r.ok ? 'passed but should fail' : 'failed but should pass'}`);
    if (unexpected.length === 0) {
      io.stdout.write(`\nThe failure of ${INTENDED_FAILURES.join(', ')} is intended: the demo shows what a failing check looks like.\n`);
      io.stdout.write(`Run your own checks with: npx watchpost run --config watchpost.yaml\n`);
    } else {
      io.stderr.write(`\nThe demo did not behave as intended: ${unexpected.join('; ')}.\n`);
      process.exitCode = EXIT.checksFailed;
    }
  }
} finally {
  await target.close();
}
