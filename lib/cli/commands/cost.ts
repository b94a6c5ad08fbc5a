/** `watchpost cost`: placeholder until its issue lands. */
import type { Command } from '../main.ts';
import { UsageError } from '../usage.ts';

export const costCommand: Command = {
  options: {},
  async run() {
    throw new UsageError('cost is not implemented yet');
  },
};
