/**
 * The CLI: dispatches to one module per command, loaded on demand so `run`
 * never pays for what `cost` needs (and nothing here loads aws-cdk-lib).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, HELP, UsageError } from './usage.ts';

export interface Command {
  /** Options this command accepts, in node:util parseArgs form. */
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, io: CliIO): Promise<number>;
}

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./commands/validate.ts')).validateCommand,
  run: async () => (await import('./commands/run.ts')).runCommand,
  cost: async () => (await import('./commands/cost.ts')).costCommand,
};

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (!name || name === '-h' || name === '--help' || name === 'help') {
      io.stdout.write(HELP);
      return name ? EXIT.ok : EXIT.configError;
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(', ')}`);
    const command = await load();
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    let values: Record<string, unknown>;
    try {
      ({ values } = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false }));
    } catch (err) {
      throw new UsageError(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
    return await command.run(values, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`watchpost: ${err.message}\nRun "watchpost --help" for usage.\n`);
      return EXIT.configError;
    }
    // An internal error is our bug, not the user's: one line, no stack trace, unless asked for.
    const detail = io.env.WATCHPOST_DEBUG ? `\n${(err as Error)?.stack}` : '';
    io.stderr.write(`watchpost: internal error: ${firstLine((err as Error)?.message ?? String(err))}${detail}\n`);
    return EXIT.configError;
  }
}

/** Some messages (JSON.stringify's on a loop) run over several lines; the first says what happened. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim() || 'unknown error';
}

function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
