/** `watchpost validate`: load, fill defaults, check every rule, report every problem. */
import type { Command } from '../main.ts';
import { CONFIG_OPTION, loadFromOptions, printProblems, relativeFile, relativeProblems } from '../config.ts';
import { EXIT } from '../usage.ts';

export const validateCommand: Command = {
  options: { ...CONFIG_OPTION, json: { type: 'boolean' } },
  async run(values, io) {
    const loaded = loadFromOptions(values, io);
    const rel = relativeFile(loaded.file, io);
    if (values.json) {
      const doc = loaded.ok
        ? { ok: true, file: rel, checks: loaded.config.checks.length, config: loaded.config }
        : { ok: false, file: rel, problems: relativeProblems(loaded, io) };
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return loaded.ok ? EXIT.ok : EXIT.configError;
    }
    if (!loaded.ok) {
      printProblems(loaded, io);
      return EXIT.configError;
    }
    const n = loaded.config.checks.length;
    io.stdout.write(`${rel}: ${n} check${n === 1 ? '' : 's'} valid (namespace ${loaded.config.namespace})\n`);
    return EXIT.ok;
  },
};
