/**
 * Reads a check file (YAML, or JSON, which YAML accepts) and validates it.
 * Syntax errors come back as problems with line and column, like any other.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { Problem } from './problems.ts';
import { validateConfig, type Validation } from './validate.ts';

export function loadConfig(file: string): Validation {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot be read (${code})`;
    return { ok: false, problems: [{ where: file, message: why }] };
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, file: string): Validation {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: Problem[] = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      return { where, message: `invalid YAML: ${firstLine(e.message)}` };
    });
    return { ok: false, problems };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    return { ok: false, problems: [{ where: file, message: 'is empty, expected a mapping with a checks list' }] };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problems: [{ where: file, message: 'must be a mapping with a checks list at the top level' }] };
  }
  return validateConfig(data);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
