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

/** The check file as people name it: relative to the working directory. */
export function relativeFile(file: string, io: Pick<CliIO, 'cwd'>): string {
  const rel = path.relative(io.cwd, file);
  // Outside the working directory a path of ../../ steps says less than the absolute one.
  return rel && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel) ? rel : file;
}

/** True for problems about the file itself (syntax, missing file), whose `where` is the file path with line:col. */
function namesFile(p: Problem, file: string): boolean {
  return p.where === file || p.where.startsWith(`${file}:`);
}

/** Problems with file paths made relative, as printed, so `--json` and the text output agree. */
export function relativeProblems(loaded: Extract<Loaded, { ok: false }>, io: Pick<CliIO, 'cwd'>): Problem[] {
  const rel = relativeFile(loaded.file, io);
  return loaded.problems.map((p) => (namesFile(p, loaded.file) ? { ...p, where: `${rel}${p.where.slice(loaded.file.length)}` } : p));
}

/** Prints every problem, then a count, to stderr. */
export function printProblems(loaded: Extract<Loaded, { ok: false }>, io: CliIO): void {
  const rel = relativeFile(loaded.file, io);
  const shown = relativeProblems(loaded, io);
  loaded.problems.forEach((p, i) => {
    // Syntax problems already name the file (with line and column); the others get it in front.
    io.stderr.write(`${namesFile(p, loaded.file) ? formatProblem(shown[i]!) : `${rel}: ${formatProblem(p)}`}\n`);
  });
  const n = loaded.problems.length;
  io.stderr.write(`${n} problem${n === 1 ? '' : 's'} in ${rel}\n`);
}
