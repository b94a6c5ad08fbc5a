/**
 * Reads a check file (YAML, or JSON, which YAML accepts) and validates it.
 * Syntax errors come back as problems with line and column, like any other,
 * and so do files whose aliases loop or expand past a sane size.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { Problem } from './problems.ts';
import { validateConfig, type Validation } from './validate.ts';

/** How many alias expansions a file may cause before it is refused (the yaml package's own guard). */
export const MAX_ALIAS_COUNT = 100;

export function loadConfig(file: string): Validation {
  const data = loadConfigData(file);
  return data.ok ? validateConfig(data.data) : data;
}

/** The file's data as written, before validation: see parseConfigData. */
export function loadConfigData(file: string): ConfigData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot be read (${code})`;
    return { ok: false, problems: [{ where: file, message: why }] };
  }
  return parseConfigData(text, file);
}

export function parseConfigText(text: string, file: string): Validation {
  const data = parseConfigData(text, file);
  return data.ok ? validateConfig(data.data) : data;
}

/**
 * The file's data as written, before validation (the CDK app hands it to the
 * construct). Never throws: every way the YAML can fail is a problem.
 */
export type ConfigData = { ok: true; data: Record<string, unknown> } | { ok: false; problems: Problem[] };

export function parseConfigData(text: string, file: string): ConfigData {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const pos = lineCounter.linePos(offset);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      return { where, message: `invalid YAML: ${firstLine(e.message)}` };
    });
    return { ok: false, problems };
  }
  const loop = selfReference(doc);
  if (loop) {
    return {
      ok: false,
      problems: [{ where: at(loop.offset), message: `a value refers to itself: alias *${loop.name} sits inside the value anchored &${loop.name}; expected plain data (write the value out)` }],
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    return {
      ok: false,
      problems: [
        /alias count/i.test(message)
          ? { where: file, message: `YAML aliases expand too much (past ${MAX_ALIAS_COUNT} expansions, the guard against alias bombs); expected plain data or a few aliases` }
          : { where: file, message: `cannot be read as YAML data (${firstLine(message)})` },
      ],
    };
  }
  if (data === null || data === undefined) {
    return { ok: false, problems: [{ where: file, message: 'is empty, expected a mapping with a checks list' }] };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problems: [{ where: file, message: 'must be a mapping with a checks list at the top level' }] };
  }
  return { ok: true, data: data as Record<string, unknown> };
}

/**
 * The first alias that points at a node containing it. That is the only way
 * YAML data can contain itself: an alias may only name an anchor set before
 * it, so any other alias points at a node that is already complete.
 */
function selfReference(doc: Document): { name: string; offset: number | undefined } | null {
  let found: { name: string; offset: number | undefined } | null = null;
  visit(doc, {
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      if (target && (path as readonly unknown[]).includes(target)) {
        found = { name: node.source, offset: node.range?.[0] };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
