/**
 * Shared helpers for the construct tests: synthesize once per test file, read
 * templates (parent and nested), decode dashboard bodies, run cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { WatchpostStack } from '../../lib/stack.ts';
import type { WatchpostProps } from '../../lib/watchpost.ts';

export interface Synthesized {
  app: App;
  stack: WatchpostStack;
  outdir: string;
  parent: Template;
  /** One per nested stack, in shard order. */
  nested: Template[];
  /** Every resource of every template, with the template file it came from. */
  resources: Array<{ logicalId: string; file: string; type: string; props: Record<string, any>; raw: Record<string, any> }>;
}

/**
 * Builds and synthesizes a Watchpost stack. `bundle: false` skips esbuild
 * (the `aws:cdk:bundling-stacks` context) for tests that only read templates.
 */
export function synthWatchpost(props: WatchpostProps, options: { bundle?: boolean } = {}): Synthesized {
  const outdir = tempDir('watchpost-cdk-');
  const app = new App({ outdir, context: options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {} });
  const stack = new WatchpostStack(app, 'Watchpost', { watchpost: props });
  app.synth();
  const parent = Template.fromStack(stack);
  const nested = stack.watchpost.shardStacks.map((s) => Template.fromStack(s));
  const resources: Synthesized['resources'] = [];
  for (const file of templateFiles(outdir)) {
    const t = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, any> };
    for (const [logicalId, r] of Object.entries(t.Resources)) {
      resources.push({ logicalId, file, type: r.Type, props: r.Properties ?? {}, raw: r });
    }
  }
  return { app, stack, outdir, parent, nested, resources };
}

const tempDirs: string[] = [];

/** A temp directory removed when the test process exits. */
export function tempDir(prefix: string): string {
  if (tempDirs.length === 0) process.once('exit', () => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function templateFiles(outdir: string): string[] {
  return readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => path.join(outdir, f));
}

/** cdk-nag's AwsSolutions findings that nothing acknowledged. */
export function nagFindings(app: App): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.resourceLogicalId ?? ''} ${r.templatePath ?? ''}`));
}

/** The findings cdk-nag would report if nothing were acknowledged (to prove each acknowledgement is needed). */
export function nagFindingsIgnoringAcknowledgements(app: App): string[] {
  const proto = NagPack.prototype as unknown as { isAcknowledged: (...args: unknown[]) => boolean };
  const original = proto.isAcknowledged;
  proto.isAcknowledged = () => false;
  try {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    return report.violations.flatMap((v) => v.violatingResources.map((r) => `${r.constructPath ?? ''} ${v.ruleName}`));
  } finally {
    proto.isAcknowledged = original;
  }
}

/**
 * A dashboard body is a Fn::Join of text and Refs (region); the Refs become
 * placeholders so the JSON can be parsed and asserted on.
 */
export function dashboardBody(resource: Record<string, any>): { widgets: any[] } {
  const body = resource.DashboardBody;
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : `{${refName(p)}}`)).join('');
  return JSON.parse(text);
}

/** Joins a Fn::Join of strings and Refs into readable text. */
export function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const parts = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return parts.map((p) => (typeof p === 'string' ? p : `{${refName(p)}}`)).join('');
}

function refName(p: unknown): string {
  const o = p as Record<string, unknown>;
  if ('Ref' in o) return String(o.Ref);
  if ('Fn::GetAtt' in o) return (o['Fn::GetAtt'] as string[]).join('.');
  return JSON.stringify(o);
}

export type LintResult = { ran: false; why: string } | { ran: true; errors: string[] };

/** Runs cfn-lint on the files and returns its errors (warnings are not failures). */
export function cfnLint(files: string[]): LintResult {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { ran: false, why: 'cfn-lint is not installed' };
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const findings = JSON.parse(run.stdout || '[]') as Array<{ Level: string; Rule: { Id: string }; Message: string; Filename: string }>;
  return {
    ran: true,
    errors: findings.filter((f) => f.Level === 'Error').map((f) => `${path.basename(f.Filename)} ${f.Rule.Id}: ${f.Message}`),
  };
}
