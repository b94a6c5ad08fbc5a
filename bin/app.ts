/**
 * The CDK app: load the check file (watchpost.yaml, or `-c config=PATH`),
 * stop with the same problems `watchpost validate` prints when it is wrong,
 * otherwise build the stack and run cdk-nag's AwsSolutions checks on it.
 */
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { printProblems } from '../lib/cli/config.ts';
import { EXIT } from '../lib/cli/usage.ts';
import { CONFIG_DEFAULTS } from '../lib/spec/defaults.ts';
import { loadConfigData } from '../lib/spec/load.ts';
import type { Problem } from '../lib/spec/problems.ts';
import type { FileInput } from '../lib/spec/schema.ts';
import { validateConfig } from '../lib/spec/validate.ts';
import { WatchpostStack } from '../lib/stack.ts';
import { WatchpostConfigError } from '../lib/watchpost.ts';

const app = new App();
const cwd = process.cwd();
const file = path.resolve(cwd, (app.node.tryGetContext('config') as string | undefined) ?? CONFIG_DEFAULTS.file);
const data = loadConfigData(file);
// Validated here, before the deployment options join the file's fields, so a file that sets one is still told it can't.
const problems = data.ok ? validationProblems(data.data) : data.problems;
const io = { cwd, env: process.env, stdout: process.stdout, stderr: process.stderr };
if (problems.length > 0 || !data.ok) {
  printProblems({ ok: false, file, problems }, io);
  process.exit(EXIT.configError);
}
// The construct takes the file as written (it validates again and bundles it beside the handler).
const raw = data.data as FileInput;
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'Watchpost';
const checkStacks = wholeNumberContext('checkStacks');

try {
  // -c checkStacks=32 pins the number of nested check stacks (see WatchpostOptions.checkStacks).
  new WatchpostStack(app, stackName, { watchpost: { ...raw, ...(checkStacks === undefined ? {} : { checkStacks }) } });
} catch (err) {
  // Options the construct rejects (checkStacks out of range, a nested stack too crowded) are input errors too.
  if (!(err instanceof WatchpostConfigError)) throw err;
  printProblems({ ok: false, file, problems: err.problems }, io);
  process.exit(EXIT.configError);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

function validationProblems(raw: unknown): Problem[] {
  const validation = validateConfig(raw);
  return validation.ok ? [] : validation.problems;
}

/** A `-c NAME=VALUE` that must be a whole number: context values arrive as strings from the command line. */
function wholeNumberContext(name: string): number | undefined {
  const value = app.node.tryGetContext(name) as unknown;
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
  process.stderr.write(`-c ${name}: must be a whole number, got ${JSON.stringify(value)}\n`);
  process.exit(EXIT.configError);
}
