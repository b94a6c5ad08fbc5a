/**
 * Removing the invalid parts of a check so the rules between its valid
 * fields can still run: every problem shows at once, not only the first.
 * Lists lose their removed entries, so paths into the pruned copy are
 * translated back to the file's own indices before they are reported.
 */
import type { PathSegment } from './problems.ts';

export interface Pruned {
  value: unknown;
  /** For each list that lost entries (keyed by its path in the original), the original index of every kept entry. */
  kept: Map<string, number[]>;
}

const REMOVED = Symbol('removed');

/** A copy of `root` without the values at `removed`; untouched branches are shared, not copied. */
export function prune(root: unknown, removed: readonly PathSegment[][]): Pruned {
  const kept = new Map<string, number[]>();
  const walk = (value: unknown, at: PathSegment[], below: PathSegment[][]): unknown => {
    if (below.some((p) => p.length === 0)) return REMOVED;
    if (below.length === 0 || value === null || typeof value !== 'object') return value;
    const under = (key: PathSegment) => below.filter((p) => p[0] === key).map((p) => p.slice(1));
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      const indices: number[] = [];
      value.forEach((item, i) => {
        const next = walk(item, [...at, i], under(i));
        if (next === REMOVED) return;
        out.push(next);
        indices.push(i);
      });
      if (indices.length !== value.length) kept.set(pathKey(at), indices);
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const next = walk(item, [...at, key], under(key));
      if (next !== REMOVED) out[key] = next;
    }
    return out;
  };
  const value = walk(root, [], [...removed]);
  return { value: value === REMOVED ? undefined : value, kept };
}

/** Translates a path into the pruned copy back to the original's indices. */
export function toOriginal(path: readonly PathSegment[], kept: Pruned['kept']): PathSegment[] {
  const out: PathSegment[] = [];
  for (const seg of path) {
    const indices = typeof seg === 'number' ? kept.get(pathKey(out)) : undefined;
    out.push(indices?.[seg as number] ?? seg);
  }
  return out;
}

/** True when one path lies inside the other (or they are equal). */
export function overlaps(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function dig(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}
