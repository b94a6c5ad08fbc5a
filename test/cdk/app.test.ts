/**
 * bin/app.ts as `npx cdk synth` runs it: a bad check file stops synth with
 * exactly the problems `watchpost validate` prints (exit 2, no stack trace);
 * the repository's example file synthesizes offline with no credentials.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { tempDir } from './synth.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs the app the way the CDK CLI does: context and output directory through the environment. */
function runApp(context: Record<string, string>, outdir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir };
  // No credentials and no region: synth must not need them.
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete env[k];
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('bin/app.ts', () => {
  it('stops a bad check file with the problems validate prints, exit 2 and no stack trace', () => {
    // GIVEN a file with three mistakes
    const dir = tempDir('watchpost-app-');
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'checks:\n  - name: Bad_Name\n    url: ftp://x\n    timeout: 2m\n');
    // WHEN the app runs with -c config=bad.yaml, and validate runs on the same file
    const app = runApp({ config: file }, path.join(dir, 'out'));
    const validate = spawnSync(process.execPath, ['bin/watchpost.js', 'validate', '--config', file], { cwd: ROOT, encoding: 'utf8' });
    // THEN
    assert.equal(app.status, 2, app.stderr);
    assert.equal(app.stderr, validate.stderr);
    assert.match(app.stderr, /checks\[0\] \(Bad_Name\)\.url: must use http:\/\/ or https:\/\/, not ftp:\/\/, got "ftp:\/\/x"/);
    assert.match(app.stderr, /^3 problems in /m);
    assert.doesNotMatch(app.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(path.join(dir, 'out', 'manifest.json')), false);
  });

  it('synthesizes the example watchpost.yaml offline, without credentials', () => {
    const out = tempDir('watchpost-app-out-');
    const app = runApp({}, out);
    assert.equal(app.status, 0, app.stderr);
    const template = JSON.parse(readFileSync(path.join(out, 'Watchpost.template.json'), 'utf8'));
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    assert.ok(types.includes('AWS::Lambda::Function'));
    assert.ok(types.includes('AWS::CloudFormation::Stack'));
    // Environment-agnostic: account and region are resolved at deploy time.
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.artifacts.Watchpost.environment, 'aws://unknown-account/unknown-region');
    // cdk-nag ran as a validation plugin and found nothing.
    const report = JSON.parse(readFileSync(path.join(out, 'validation-report.json'), 'utf8'));
    assert.deepEqual(report.pluginReports.filter((r: { conclusion?: string }) => r.conclusion === 'failure'), []);
  });
});
