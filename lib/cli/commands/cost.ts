/**
 * `watchpost cost`: what the checks will cost per month once deployed, per
 * check and in total, next to CloudWatch Synthetics and Route 53, from the
 * same plan the CDK stack is built from.
 *
 *   watchpost cost [--config FILE] [--region us-east-1] [--json]
 *
 * Exit 0 with the estimate; 2 for a configuration or usage error (an
 * invalid check file, a region without prices).
 */
import path from 'node:path';
import picocolors from 'picocolors';
import { estimateCost } from '../../cost.ts';
import { DEFAULT_REGION, pricesFor, supportedRegions } from '../../pricing.ts';
import { CONFIG_OPTION, loadFromOptions, printProblems } from '../config.ts';
import type { Command } from '../main.ts';
import { renderCostJson } from '../reporters/cost-json.ts';
import { renderCostTable } from '../reporters/cost-table.ts';
import { EXIT, UsageError } from '../usage.ts';

export const costCommand: Command = {
  options: { ...CONFIG_OPTION, region: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, io) {
    const region = (values.region as string | undefined) ?? DEFAULT_REGION;
    if (!pricesFor(region)) {
      throw new UsageError(`cost: no prices for region "${region}"; supported regions: ${supportedRegions().join(', ')}`);
    }
    const loaded = loadFromOptions(values, io);
    if (!loaded.ok) {
      printProblems(loaded, io);
      return EXIT.configError;
    }
    const estimate = estimateCost(loaded.config, { region });
    if (values.json) {
      io.stdout.write(renderCostJson(estimate));
      return EXIT.ok;
    }
    const source = path.relative(io.cwd, loaded.file) || loaded.file;
    io.stdout.write(renderCostTable(estimate, { source, color: colorFor(io) }));
    return EXIT.ok;
  },
};

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
function colorFor(io: Parameters<Command['run']>[1]): boolean {
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return io.stdout.isTTY === true && picocolors.isColorSupported;
}
