/** The check spec and the metric contract: pure, shared by lambda/, lib/ and the CLI. */
export * from './types.ts';
export * from './result.ts';
export * from './metrics.ts';
export * from './units.ts';
export * from './problems.ts';
export { CHECK_DEFAULTS, CONFIG_DEFAULTS, LIMITS, defaultStatus } from './defaults.ts';
export { validateConfig, type Validation } from './validate.ts';
export type { FileInput, CheckInput, DefaultsInput } from './schema.ts';
export { loadConfig, parseConfigText } from './load.ts';
