/**
 * What the probe function knows before its first invocation: the environment
 * the stack sets and the check file bundled beside the handler. Both are read
 * once per container; a missing variable or an invalid file fails the start
 * with a message that names it, so a bad deploy shows in the init error, not
 * as a crash halfway through a batch.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatProblem } from '../lib/spec/problems.ts';
import type { WatchpostConfig } from '../lib/spec/types.ts';
import { validateConfig } from '../lib/spec/validate.ts';

/** File name of the bundled check file; equals PROBE_BUNDLE.configFileName (lib/probe-bundle.ts). */
export const CONFIG_FILE_NAME = 'watchpost.config.json';

/** Variables the stack sets (AWS_REGION comes from Lambda itself). */
export const REQUIRED_ENV = [
  'WATCHPOST_NAMESPACE',
  'WATCHPOST_CRITICAL_TOPIC_ARN',
  'WATCHPOST_WARNING_TOPIC_ARN',
  'AWS_REGION',
] as const;

export interface RuntimeEnv {
  namespace: string;
  topics: { critical: string; warning: string };
  region: string;
}

/** A start-up failure: the message alone says what to fix (no stack needed). */
export class StartupError extends Error {
  override name = 'WatchpostStartupError';
}

export function readEnvironment(env: Record<string, string | undefined>): RuntimeEnv {
  const missing = REQUIRED_ENV.filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new StartupError(
      `Watchpost probe cannot start: environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `not set (the Watchpost stack sets them on the function)`,
    );
  }
  return {
    namespace: env.WATCHPOST_NAMESPACE!,
    topics: { critical: env.WATCHPOST_CRITICAL_TOPIC_ARN!, warning: env.WATCHPOST_WARNING_TOPIC_ARN! },
    region: env.AWS_REGION!,
  };
}

/** WATCHPOST_CONFIG_FILE wins (tests); otherwise the file the construct wrote beside the handler. */
export function configFilePath(env: Record<string, string | undefined>, handlerDir: string): string {
  return env.WATCHPOST_CONFIG_FILE?.trim() || path.join(handlerDir, CONFIG_FILE_NAME);
}

/**
 * Reads and validates the bundled check file (the raw parsed file, as the
 * construct wrote it) with the same validation the CLI and synth use: the
 * second validation DESIGN.md asks for, so a hand-edited asset cannot crash a probe.
 */
export function loadBundledConfig(file: string): WatchpostConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code ? `cannot be read (${code})` : `is not valid JSON (${(err as Error).message})`;
    throw new StartupError(`Watchpost probe cannot start: the bundled check file ${file} ${why}`);
  }
  const validation = validateConfig(raw);
  if (!validation.ok) {
    const list = validation.problems.map((p) => `  ${formatProblem(p)}`).join('\n');
    throw new StartupError(`Watchpost probe cannot start: the bundled check file ${file} is invalid:\n${list}`);
  }
  return validation.config;
}
