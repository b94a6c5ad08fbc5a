/** Errors for people: a usage error exits 2 with one line, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = { ok: 0, checksFailed: 1, configError: 2 } as const;

export const HELP = `watchpost: synthetic monitoring as code on AWS

Usage:
  watchpost validate [--config FILE] [--json]
  watchpost run      [--config FILE] [--check NAME]... [--json] [--publish]
  watchpost cost     [--config FILE] [--region REGION] [--json]

Options:
  -c, --config FILE   the check file (default: watchpost.yaml)
  --json              machine-readable output on stdout
  -h, --help          this help

Exit codes: 0 success, 1 checks failed (run), 2 configuration or usage error.
`;
