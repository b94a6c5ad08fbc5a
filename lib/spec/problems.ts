/**
 * Problems: what is wrong with a check file, written for the person who has
 * to fix it. Each names where (check index and name, field path), what was
 * found and what was expected.
 */

export interface Problem {
  /** `checks[2] (shop-home).timeout`, `alerting.critical.email[0]`, or `watchpost.yaml:3:7` for syntax. */
  where: string;
  /** What was expected, with the found value: `must be less than frequency 1m, got "2m"`. */
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.where}: ${p.message}`;
}

export type PathSegment = string | number;

/**
 * Renders a path for people. Inside `checks`, the check's name follows its
 * index so the message can be matched to the file without counting.
 */
export function renderPath(path: readonly PathSegment[], checkNames: ReadonlyArray<string | undefined> = []): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (typeof seg === 'number') {
      out += `[${seg}]`;
      if (i === 1 && path[0] === 'checks') {
        const name = checkNames[seg];
        if (name) out += ` (${name})`;
      }
    } else {
      out += out ? `.${seg}` : seg;
    }
  }
  return out || '(file)';
}

/** Shows a found value compactly: strings quoted, long values cut. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON would print Infinity (YAML's .inf) and NaN as null, which is not what was written.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The closest known name to a typo, or null when nothing is close. */
export function suggest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= tolerance ? best : null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}
