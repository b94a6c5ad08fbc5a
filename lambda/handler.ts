/**
 * The probe function's entry point. Module init runs once per container and
 * stays small: read the environment, load and validate the bundled check
 * file, create the two SDK clients. A missing variable or an invalid check
 * file fails here, naming it. Everything per invocation is in invocation.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHandler, createRuntime } from './invocation.ts';

const runtime = createRuntime({
  env: process.env,
  // In the bundle this is the asset directory, where the construct writes watchpost.config.json.
  handlerDir: path.dirname(fileURLToPath(import.meta.url)),
});

export const handler = createHandler(runtime);
