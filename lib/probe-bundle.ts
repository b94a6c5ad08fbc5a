/**
 * How the probe handler is bundled: one source of truth for the construct
 * (NodejsFunction) and for the test that runs the bundle the way Lambda would.
 * Pure data, no CDK.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const PROBE_BUNDLE = {
  /** The handler source, named by path so lib/ never imports lambda/ code. */
  entry: path.join(ROOT, 'lambda', 'handler.ts'),
  handlerExport: 'handler',
  format: 'esm' as const,
  /** The Lambda runtime is nodejs24.x. */
  target: 'node24',
  minify: true,
  sourcemap: false,
  /** Bundle the AWS SDK too: a pinned, tested version, and no runtime-provided surprise. */
  externalModules: [] as string[],
  /** ESM output still meets CommonJS code that calls require() for node built-ins. */
  banner: "import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);",
  /** The check file, as parsed JSON, is written beside the handler under this name. */
  configFileName: 'watchpost.config.json',
};
