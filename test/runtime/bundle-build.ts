/**
 * Builds the probe asset the way the construct does (PROBE_BUNDLE options),
 * writes the check file beside it, and a driver that invokes it the way the
 * Lambda runtime would: import (timed as module init), then one event.
 * Shared by the bundle test and the runtime benchmark.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { PROBE_BUNDLE } from '../../lib/probe-bundle.ts';

export interface BuiltBundle {
  file: string;
  driver: string;
  bytes: number;
}

/** What the driver prints as its last stdout line. */
export interface DriverReport {
  initMs: number;
  summary: Record<string, unknown>;
  memory: { maxRssBytes: number; heapUsedBytes: number };
}

/** The esbuild options of the test build: PROBE_BUNDLE's, plus where to read and write and what to report. */
export function probeBuildOptions(dir: string) {
  return {
    ...PROBE_BUNDLE.esbuild,
    entryPoints: [PROBE_BUNDLE.entry],
    outfile: path.join(dir, PROBE_BUNDLE.outputFile),
    bundle: true,
    logLevel: 'silent',
    metafile: true,
  } satisfies BuildOptions;
}

export async function buildProbeBundle(dir: string, rawConfig: unknown): Promise<BuiltBundle> {
  const options = probeBuildOptions(dir);
  const file = options.outfile;
  const result = await build(options);
  writeFileSync(path.join(dir, PROBE_BUNDLE.configFileName), JSON.stringify(rawConfig));
  const driver = path.join(dir, 'driver.mjs');
  writeFileSync(
    driver,
    `// Invokes the bundle like the Lambda runtime: argv[2] is the event, argv[3] the ms before timeout.
const t0 = performance.now();
const { ${PROBE_BUNDLE.handlerExport}: handler } = await import('./${PROBE_BUNDLE.outputFile}');
const initMs = performance.now() - t0;
const end = Date.now() + Number(process.argv[3]);
let peakHeap = process.memoryUsage().heapUsed;
const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 5);
const summary = await handler(JSON.parse(process.argv[2]), { getRemainingTimeInMillis: () => Math.max(0, end - Date.now()) });
clearInterval(sampler);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
process.stdout.write(JSON.stringify({ initMs, summary, memory: { maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: peakHeap } }) + '\\n');
`,
  );
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { file, driver, bytes };
}
