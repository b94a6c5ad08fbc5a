/**
 * Finds a value that contains itself (a YAML alias inside its own anchor, or
 * typed props built with a loop). Such a value cannot be sent as JSON or
 * bundled, and would send naive walkers round forever.
 */
import type { PathSegment } from './problems.ts';

export interface Loop {
  /** Where the value refers back, such as ["checks", 0, "body"]. */
  at: PathSegment[];
  /** The value it refers back to (an ancestor of `at`). */
  to: PathSegment[];
}

/** The first loop in `root`, or null. Each object is visited once, so shared (aliased) values cost nothing extra. */
export function findLoop(root: unknown): Loop | null {
  const open = new Map<object, PathSegment[]>();
  const done = new Set<object>();
  const visit = (value: unknown, at: PathSegment[]): Loop | null => {
    if (value === null || typeof value !== 'object') return null;
    const ancestor = open.get(value);
    if (ancestor) return { at, to: ancestor };
    if (done.has(value)) return null;
    open.set(value, at);
    const entries: Array<[PathSegment, unknown]> = Array.isArray(value)
      ? value.map((item, i) => [i, item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      const loop = visit(item, [...at, key]);
      if (loop) return loop;
    }
    open.delete(value);
    done.add(value);
    return null;
  };
  return visit(root, []);
}
