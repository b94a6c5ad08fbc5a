/**
 * The construct's documented props (lib/watchpost-props.ts) against the truth:
 * the schema's input type (compile time: assignable both ways, so neither can
 * drift) and the real defaults (every `@default` literal, written out in a
 * check file, validates to the same check as leaving the field out).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { CheckInput, DefaultsInput, FileInput, fileSchema } from '../../lib/spec/schema.ts';
import type { WatchpostConfig } from '../../lib/spec/types.ts';
import { validateConfig } from '../../lib/spec/validate.ts';
import type { WatchpostOptions, WatchpostProps } from '../../lib/watchpost.ts';
import type { WatchpostCheck, WatchpostCheckFields, WatchpostCheckFile } from '../../lib/watchpost-props.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---- Compile time (`npx tsc -p .`, the first step of `npm test`) ----

/** true only when each type is assignable to the other. */
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Mutual assignability misses an optional field one side lacks, so the keys
 * are compared too, at every depth: the paths of keys only one side has.
 * (The schema's mappings carry an index signature for unknown keys; it is
 * not a key.)
 */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: 0 } & string;
/** The mapping inside a field's type: list entries, the object member of a union; never for plain values. */
type Shape<T> = T extends readonly (infer E)[] ? Shape<E> : T extends object ? T : never;
type KeyDrift<A, B, P extends string = ''> = [A] extends [never]
  ? [B] extends [never] ? never : `${P}(mapping only in the schema)`
  : [B] extends [never] ? `${P}(mapping only in the props)`
  : | `${P}${Exclude<KnownKeys<A>, KnownKeys<B>>} (only in the props)`
    | `${P}${Exclude<KnownKeys<B>, KnownKeys<A>>} (only in the schema)`
    | { [K in KnownKeys<A> & KnownKeys<B>]: KeyDrift<Shape<A[K]>, Shape<B[K]>, `${P}${K}.`> }[KnownKeys<A> & KnownKeys<B>];
/** Fails to compile, naming the drifted paths, unless there are none. */
type NoDrift<T extends never> = T;
type HasDrift<T> = [T] extends [never] ? false : true;

/**
 * The file's top level straight from the schema: FileInput's Omit runs over an
 * index signature, which loses the known keys (namespace and alerting are
 * `unknown` there), so it alone would not catch a drift at the top level.
 */
type SchemaTop = z.input<typeof fileSchema>;
type SchemaFile = Pick<SchemaTop, Exclude<KnownKeys<SchemaTop>, 'checks' | 'defaults'>> & { defaults?: DefaultsInput; checks: CheckInput[] };

// THEN the documented types and the schema's input types accept exactly the same values
export const fileMatches: MutuallyAssignable<WatchpostCheckFile, FileInput> = true;
export const schemaFileMatches: MutuallyAssignable<WatchpostCheckFile, SchemaFile> = true;
export const checkMatches: MutuallyAssignable<WatchpostCheck, CheckInput> = true;
export const defaultsMatch: MutuallyAssignable<WatchpostCheckFields, DefaultsInput> = true;
// AND have the same keys at every depth (checks and defaults are reached from the file)
export type FileKeys = NoDrift<KeyDrift<WatchpostCheckFile, SchemaFile>>;
export type DefaultsKeys = NoDrift<KeyDrift<WatchpostCheckFields, DefaultsInput>>;
// AND the construct's props are the file plus the deployment options
export const propsMatch: MutuallyAssignable<Omit<WatchpostProps, keyof WatchpostOptions>, WatchpostCheckFile> = true;
// AND the comparisons are able to fail: a field typed differently, an extra one, a missing optional one (at any depth)
export const retypedCaught: MutuallyAssignable<Omit<WatchpostCheck, 'retries'> & { readonly retries?: string }, CheckInput> = false;
export const extraCaught: MutuallyAssignable<WatchpostCheck & { readonly interval: string }, CheckInput> = false;
export const missingCaught: HasDrift<KeyDrift<Omit<WatchpostCheck, 'runbook'>, CheckInput>> = true;
export const nestedMissingCaught: HasDrift<KeyDrift<Omit<WatchpostCheck, 'tls'> & { readonly tls?: {} }, CheckInput>> = true;
export const nestedExtraCaught: HasDrift<KeyDrift<Omit<WatchpostCheckFile, 'alerting'> & { readonly alerting?: { readonly info?: {} } }, SchemaFile>> = true;

// ---- The `@default` comments against lib/spec/defaults.ts ----

interface DocumentedProp {
  /** `Type.prop` or `Type.prop.nested` for an inline mapping. */
  key: string;
  optional: boolean;
  /** The `@default` text, undefined when there is none. */
  default?: string;
}

/** Every property of every type alias and interface in a file, with its `@default`. */
function documentedProps(file: string): DocumentedProp[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: DocumentedProp[] = [];
  const visitMembers = (prefix: string, members: ts.NodeArray<ts.TypeElement>) => {
    for (const m of members) {
      if (!ts.isPropertySignature(m)) continue;
      const key = `${prefix}.${m.name.getText(source)}`;
      const tag = ts.getJSDocTags(m).find((t) => t.tagName.text === 'default');
      out.push({ key, optional: m.questionToken !== undefined, default: tag ? (ts.getTextOfJSDocComment(tag.comment) ?? '').trim() : undefined });
      if (m.type && ts.isTypeLiteralNode(m.type)) visitMembers(key, m.type.members);
    }
  };
  const visitType = (name: string, type: ts.TypeNode) => {
    if (ts.isTypeLiteralNode(type)) visitMembers(name, type.members);
    else if (ts.isIntersectionTypeNode(type)) type.types.forEach((t) => visitType(name, t));
  };
  source.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node)) visitType(node.name.text, node.type);
    if (ts.isInterfaceDeclaration(node)) visitMembers(node.name.text, node.members);
  });
  return out;
}

/** Where each documented type sits: in a check (`check`) or at the file's top level (`file`), and under which path. */
const PLACES: Record<string, { in: 'check' | 'file'; path: string[] } | 'operators'> = {
  WatchpostCheckFile: { in: 'file', path: [] },
  WatchpostAlerting: { in: 'file', path: ['alerting'] },
  WatchpostSubscriptions: { in: 'file', path: ['alerting', 'critical'] },
  WatchpostCheckFields: { in: 'check', path: [] },
  WatchpostCheck: { in: 'check', path: [] },
  WatchpostAssertions: { in: 'check', path: ['assert'] },
  WatchpostLatencyAssertion: { in: 'check', path: ['assert', 'latency'] },
  WatchpostBodyAssertion: { in: 'check', path: ['assert', 'body'] },
  WatchpostMetricOptions: { in: 'check', path: ['metrics'] },
  WatchpostAlarmOptions: { in: 'check', path: ['alarm'] },
  WatchpostRunbook: { in: 'check', path: ['runbook'] },
  // Entries of a list: an operator left out is simply not asserted, there is no default to compare.
  WatchpostJsonAssertion: 'operators',
  WatchpostHeaderAssertion: 'operators',
};

/**
 * Prose defaults of mappings whose own fields carry the checked defaults
 * (the mapping's default is not "nothing": `assert` defaults to status 2xx,
 * `alarm` to 2 of 3, `metrics` to false flags, `tls` to verify, `defaults`
 * to each field's default).
 */
const COMPOSITE = new Set(['WatchpostCheckFields.assert', 'WatchpostCheckFields.alarm', 'WatchpostCheckFields.metrics', 'WatchpostCheckFields.tls', 'WatchpostCheckFile.defaults']);

const PROPS_FILE = path.join(ROOT, 'lib', 'watchpost-props.ts');
const documented = documentedProps(PROPS_FILE);
const BASE_CHECK = { name: 'probe', url: 'https://probe.example.com/' };

function normalized(file: unknown): WatchpostConfig {
  const v = validateConfig(file);
  assert.ok(v.ok, `valid: ${JSON.stringify(file)} ${v.ok ? '' : JSON.stringify(v.problems)}`);
  return v.config;
}

function withValue(where: string[], value: unknown): Record<string, unknown> {
  return where.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** The normalized value at a place: a check field or a top-level field. */
function valueAt(config: WatchpostConfig, place: { in: 'check' | 'file' }, where: string[]): unknown {
  let v: unknown = place.in === 'check' ? config.checks[0] : config;
  for (const key of where) v = v == null ? v : (v as Record<string, unknown>)[key];
  return v;
}

/** Files written with the field at `where` set to `value`, and without it. */
function files(place: { in: 'check' | 'file' }, where: string[], value: unknown): [unknown, unknown] {
  if (place.in === 'check') return [{ checks: [{ ...BASE_CHECK, ...withValue(where, value) }] }, { checks: [BASE_CHECK] }];
  return [{ ...withValue(where, value), checks: [BASE_CHECK] }, { checks: [BASE_CHECK] }];
}

/** No value, an empty list or mapping, or a mapping of only such. */
function isNothing(v: unknown): boolean {
  if (v == null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v).every(isNothing);
  return false;
}

describe('documented props of the Watchpost construct', () => {
  it('documents @default on every optional prop, the deployment options included', () => {
    const options = documentedProps(path.join(ROOT, 'lib', 'watchpost.ts')).filter((p) => p.key.startsWith('WatchpostOptions.'));
    assert.ok(options.length >= 9, `found the options: ${options.map((o) => o.key)}`);
    assert.ok(documented.length >= 60, `found the check-file props: ${documented.length}`);
    const missing = [...documented, ...options].filter((p) => p.optional && !p.default).map((p) => p.key);
    assert.deepEqual(missing, []);
    // Required props have no default to document.
    assert.deepEqual(documented.filter((p) => !p.optional && p.default).map((p) => p.key), []);
  });

  it('knows where every documented type sits in a check file', () => {
    const types = new Set(documented.map((p) => p.key.split('.')[0]!));
    assert.deepEqual([...types].filter((t) => !(t in PLACES)), []);
  });

  it('states each literal @default exactly as the validator fills it in (lib/spec/defaults.ts)', () => {
    let compared = 0;
    for (const prop of documented.filter((p) => p.default && !p.default.startsWith('-'))) {
      const [type, ...rest] = prop.key.split('.');
      const place = PLACES[type!]!;
      assert.notEqual(place, 'operators', `${prop.key}: a list entry's operator has no default value`);
      if (place === 'operators') continue;
      const where = [...place.path, ...rest];
      const value = parseYaml(prop.default!);
      // GIVEN the field written out with its documented default, WHEN both files are validated
      const [written, omitted] = files(place, where, value);
      // THEN the field normalizes to the same value as when it is left out
      assert.deepEqual(valueAt(normalized(written), place, where), valueAt(normalized(omitted), place, where), `${prop.key} @default ${prop.default}`);
      compared++;
    }
    // method, headers, secretHeaders, frequency, timeout, retries, followRedirects, maxBodySize, tls.verify,
    // status, json, headers, securityHeaders, timings, cache, serverTiming, M, N, namespace, email, https, sms
    assert.equal(compared, 22);
  });

  it('uses a prose @default only where the real default is nothing, or for a mapping whose fields carry theirs', () => {
    const omitted = normalized({ checks: [BASE_CHECK] });
    for (const prop of documented.filter((p) => p.default?.startsWith('-'))) {
      const [type, ...rest] = prop.key.split('.');
      const place = PLACES[type!]!;
      if (place === 'operators' || COMPOSITE.has(prop.key)) continue;
      const value = valueAt(omitted, place, [...place.path, ...rest]);
      assert.ok(isNothing(value), `${prop.key} @default ${prop.default}: the real default is ${JSON.stringify(value)}`);
    }
    // The composite ones really do have documented fields.
    for (const key of ['WatchpostAssertions.', 'WatchpostAlarmOptions.', 'WatchpostMetricOptions.', 'WatchpostCheckFields.tls.', 'WatchpostCheckFields.']) {
      assert.ok(documented.some((p) => p.key.startsWith(key) && p.default && !p.default.startsWith('-')), key);
    }
  });

  it('rejects a @default that disagrees with the validator (the comparison can fail)', () => {
    const place = PLACES.WatchpostCheckFields as { in: 'check'; path: string[] };
    const [written, omitted] = files(place, ['timeout'], parseYaml('"30s"'));
    assert.notDeepEqual(valueAt(normalized(written), place, ['timeout']), valueAt(normalized(omitted), place, ['timeout']));
  });
});
