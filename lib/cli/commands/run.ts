/** `watchpost run`: placeholder until its issue lands. */
import type { Command } from '../main.ts';
import { UsageError } from '../usage.ts';

export const runCommand: Command = {
  options: {},
  async run() {
    throw new UsageError('run is not implemented yet');
  },
};
