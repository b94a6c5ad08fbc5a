/**
 * How the probe handler is bundled: one source of truth for the construct
 * (NodejsFunction, lib/probe-function.ts) and for the test build that runs and
 * benchmarks the bundle the way Lambda would (test/runtime/bundle-build.ts).
 * Every esbuild option lives in `esbuild`, so the asset `cdk synth` uploads and
 * the one tested cannot drift apart. Pure data, no CDK.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** ESM output still meets CommonJS code that calls require() for node built-ins. */
const REQUIRE_BANNER = "import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);";

export const PROBE_BUNDLE = {
  /** The handler source, named by path so lib/ never imports lambda/ code. */
  entry: path.join(ROOT, 'lambda', 'handler.ts'),
  handlerExport: 'handler',
  /** The bundle's file name: what NodejsFunction writes for ESM output. */
  outputFile: 'index.mjs',
  /** The check file, as parsed JSON, is written beside the handler under this name. */
  configFileName: 'watchpost.config.json',
  banner: REQUIRE_BANNER,
  /** Every esbuild option besides entry, output and bundle: true (which both builds set by their nature). */
  esbuild: {
    platform: 'node',
    format: 'esm',
    /** The Lambda runtime is nodejs24.x. */
    target: 'node24',
    minify: true,
    sourcemap: false,
    /** Bundle the AWS SDK too: a pinned, tested version, and no runtime-provided surprise. */
    external: [] as string[],
    /** Prefer the ESM builds of dependencies (the AWS SDK ships both): smaller, and tree-shaken. */
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
  } satisfies BuildOptions,
};
