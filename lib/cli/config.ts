/** Loads the check file for a command and prints its problems the same way everywhere. */
import path from 'node:path';
import { CONFIG_DEFAULTS } from '../spec/defaults.ts';
import { loadConfig } from '../spec/load.ts';
import { formatProblem, type Problem } from '../spec/problems.ts';
import type { WatchpostConfig } from '../spec/types.ts';
import type { CliIO } from './main.ts';

export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const;

export type Loaded = { ok: true; file: string; config: WatchpostConfig } | { ok: false; file: string; problems: Problem[] };

export function loadFromOptions(values: Record<string, unknown>, io: CliIO): Loaded {
  const file = path.resolve(io.cwd, (values.config as string | undefined) ?? CONFIG_DEFAULTS.file);
  const result = loadConfig(file);
  return result.ok ? { ok: true, file, config: result.config } : { ok: false, file, problems: result.problems };
}

/** Prints every problem, then a count, to stderr. */
export function printProblems(loaded: Extract<Loaded, { ok: false }>, io: CliIO): void {
  const rel = path.relative(io.cwd, loaded.file) || loaded.file;
  for (const p of loaded.problems) {
    // Syntax problems already name the file (with line and column); show it relative.
    const line = p.where === loaded.file || p.where.startsWith(`${loaded.file}:`)
      ? `${rel}${p.where.slice(loaded.file.length)}: ${p.message}`
      : `${rel}: ${formatProblem(p)}`;
    io.stderr.write(`${line}\n`);
  }
  const n = loaded.problems.length;
  io.stderr.write(`${n} problem${n === 1 ? '' : 's'} in ${rel}\n`);
}
