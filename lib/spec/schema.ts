/**
 * The check file's shape, as people write it. Every leaf says what it
 * expects; unknown keys are rejected with a did-you-mean (see problems.ts).
 * Cross-field rules (timeout below frequency, ...) live in validate.ts (checkRules).
 */
import { z } from 'zod';
import { LIMITS } from './defaults.ts';
import { parseDuration, parseSize } from './units.ts';
import { HTTP_METHODS } from './types.ts';

/** Marks an issue as an unknown key; the formatter turns it into a did-you-mean. */
export const UNKNOWN_KEY = 'watchpost/unknown-key';

function strict<T extends z.ZodRawShape>(shape: T, what: string) {
  const allowed = Object.keys(shape);
  return z.object(shape, { error: `must be a mapping of ${what}` }).catchall(
    z.unknown().superRefine((_value, ctx) => {
      ctx.addIssue({ code: 'custom', message: UNKNOWN_KEY, params: { allowed } });
    }),
  );
}

const text = (what = 'a string') => z.string({ error: `must be ${what}` });
const nonEmpty = (what: string) => text(what).min(1, { error: `must be ${what}, not empty` });
const bool = () => z.boolean({ error: 'must be true or false' });
const int = (min: number, max: number, expected = `must be a whole number from ${min} to ${max}`) =>
  z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });

/** What a duration or size field accepts, so its hints only suggest values it would take. */
interface Range {
  min: number;
  max: number;
  /** Only whole minutes (frequency). */
  wholeMinutes?: boolean;
  /** Shown when a value has no unit the field could use, and after an unknown unit. */
  examples: string[];
}

const FREQUENCY: Range = { min: LIMITS.minFrequency, max: LIMITS.maxFrequency, wholeMinutes: true, examples: ['1m', '5m', '1h'] };
const TIMEOUT: Range = { min: LIMITS.minTimeout, max: LIMITS.maxTimeout, examples: ['500ms', '5s', '30s'] };
/** A latency threshold is at most the timeout, so at most its limit. */
const LATENCY: Range = { min: 1, max: LIMITS.maxTimeout, examples: ['250ms', '800ms', '2s'] };
const BODY_SIZE: Range = { min: 1, max: LIMITS.maxBodySize, examples: ['512KiB', '1MiB'] };

const quoted = (values: string[]) => values.map((v) => `"${v}"`).join(' or ');

/**
 * The bare number with each unit the field would accept, such as "5m" for
 * `frequency: 5` (never "5s", which no frequency may be), or the field's
 * examples when no unit fits.
 */
function unitHint(n: number, units: string[], parse: (text: string) => ReturnType<typeof parseDuration>, range: Range): string {
  const fits = units
    .map((unit) => `${n}${unit}`)
    .filter((text) => {
      const parsed = parse(text);
      return parsed.ok && parsed.value >= range.min && parsed.value <= range.max && (!range.wholeMinutes || parsed.value % 60_000 === 0);
    });
  return quoted(fits.length > 0 ? fits.slice(0, 2) : range.examples.slice(0, 2));
}

const duration = (range: Range) =>
  z.union([z.string(), z.number()], { error: `must be a duration with a unit, such as ${quoted(range.examples.slice(0, 1))}` }).transform((v, ctx) => {
    const parsed = parseDuration(v);
    if (parsed.ok) return parsed.value;
    const message =
      typeof v === 'number'
        ? `must be a duration with a unit, such as ${unitHint(v, ['s', 'ms', 'm', 'h'], parseDuration, range)}`
        : `must be a duration with a unit: ms, s, m or h (such as ${range.examples.map((e) => `"${e}"`).join(', ')})`;
    ctx.addIssue({ code: 'custom', message, input: v });
    return z.NEVER;
  });

const size = (range: Range) =>
  z.union([z.string(), z.number()], { error: `must be a size with a unit, such as ${quoted(range.examples.slice(-1))}` }).transform((v, ctx) => {
    const parsed = parseSize(v);
    if (parsed.ok) return parsed.value;
    const message =
      typeof v === 'number'
        ? `must be a size with a unit, such as ${unitHint(v, ['B', 'KiB', 'MiB'], parseSize, range)}`
        : `must be ${parsed.expected}`;
    ctx.addIssue({ code: 'custom', message, input: v });
    return z.NEVER;
  });

const regex = (what: string) =>
  text(`${what} (a regular expression)`).superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a valid regular expression (${(err as Error).message})`,
        input: source,
      });
    }
  });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_NAME_EXPECTED = "must be a valid header name: letters, digits and - (also !#$%&'*+.^_`|~), no spaces or ':'";
const headerName = () => text('a header name').regex(HEADER_NAME, { error: HEADER_NAME_EXPECTED });

export const CHECK_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const checkName = () =>
  text('a check name')
    .max(LIMITS.nameMaxLength, { error: `must be at most ${LIMITS.nameMaxLength} characters` })
    .regex(CHECK_NAME, {
      error: "must use lowercase letters, digits and '-' only, starting and ending with a letter or digit",
    });

function httpUrl(what: string) {
  return text(`${what} (an http:// or https:// URL)`).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an absolute http:// or https:// URL`, input: value });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `must use http:// or https://, not ${url.protocol}//`, input: value });
    } else if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not carry a user:password part (secrets do not belong in URLs; use a header)',
        input: value.replace(/\/\/[^@/]*@/, '//***@'),
      });
    }
  });
}

/** A JSON path: `status`, `data.items[0].id`. */
export const JSON_PATH = /^(?:[^.[\]]+|\[\d+\])(?:\.[^.[\]]+|\[\d+\])*$/;

const STATUS_EXPECTED = 'must be a status code from 100 to 599 or a class such as "2xx"';
const statusMatcher = z.union(
  [
    z.number({ error: STATUS_EXPECTED }).int({ error: STATUS_EXPECTED }).min(100, { error: STATUS_EXPECTED }).max(599, { error: STATUS_EXPECTED }),
    z.string({ error: STATUS_EXPECTED }).regex(/^[1-5](?:xx|\d\d)$/, { error: STATUS_EXPECTED }),
  ],
  { error: STATUS_EXPECTED },
);

const jsonAssertion = strict(
  {
    path: text('a JSON path such as "data.items[0].id"').regex(JSON_PATH, {
      error: 'must be a JSON path such as "status" or "data.items[0].id"',
    }),
    equals: z.unknown().optional(),
    notEquals: z.unknown().optional(),
    contains: z.unknown().optional(),
    lessThan: z.number({ error: 'must be a number' }).optional(),
    greaterThan: z.number({ error: 'must be a number' }).optional(),
    exists: bool().optional(),
  },
  'path plus one operator (equals, notEquals, contains, lessThan, greaterThan, exists)',
);

const headerAssertion = strict(
  {
    name: headerName(),
    equals: text().optional(),
    contains: text().optional(),
    matches: regex('a pattern').optional(),
    absent: z.literal(true, { error: 'must be true (omit it otherwise)' }).optional(),
  },
  'name plus one operator (equals, contains, matches, absent)',
);

const assertSchema = strict(
  {
    status: z.union(
      [
        statusMatcher,
        // An empty list would accept no response at all: a check that can never pass.
        z.array(statusMatcher).min(1, { error: 'must list at least one status code or class such as "2xx"' }),
      ],
      { error: 'must be a status code, a class such as "2xx", or a list of them' },
    ).optional(),
    latency: strict({ warning: duration(LATENCY).optional(), critical: duration(LATENCY).optional() }, 'warning and critical durations').optional(),
    body: strict(
      { contains: text().optional(), notContains: text().optional(), matches: regex('a pattern').optional() },
      'contains, notContains or matches',
    ).optional(),
    json: z.array(jsonAssertion, { error: 'must be a list of { path, operator } entries' }).optional(),
    headers: z.array(headerAssertion, { error: 'must be a list of { name, operator } entries' }).optional(),
    certificate: strict({ minDaysRemaining: int(1, 365) }, 'minDaysRemaining').optional(),
    securityHeaders: bool().optional(),
  },
  'assertions',
);

const subscriptions = strict(
  {
    email: z.array(text('an e-mail address'), { error: 'must be a list of e-mail addresses' }).optional(),
    https: z.array(text('an https:// URL'), { error: 'must be a list of https:// URLs' }).optional(),
    sms: z.array(text('a phone number'), { error: 'must be a list of phone numbers in E.164 form' }).optional(),
  },
  'subscription lists (email, https, sms)',
);

/** Every field a check may set; `defaults` accepts the same minus name and url. */
const checkFields = {
  method: z
    .string({ error: `must be one of ${HTTP_METHODS.join(', ')}` })
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }))
    .optional(),
  headers: z
    .record(headerName(), text('a string (quote numbers)'), { error: 'must be a mapping of header names to strings' })
    .optional(),
  secretHeaders: z.array(headerName(), { error: 'must be a list of header names' }).optional(),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())], {
      error: 'must be a string, or a mapping or list sent as JSON',
    })
    .optional(),
  frequency: duration(FREQUENCY).optional(),
  timeout: duration(TIMEOUT).optional(),
  retries: int(0, LIMITS.maxRetries).optional(),
  followRedirects: z
    .union([z.boolean(), int(0, LIMITS.maxRedirects, `must be true, false or a whole number from 0 to ${LIMITS.maxRedirects}`)], {
      error: `must be true, false or a whole number from 0 to ${LIMITS.maxRedirects}`,
    })
    .optional(),
  maxBodySize: size(BODY_SIZE).optional(),
  tls: strict({ verify: bool().optional() }, 'verify').optional(),
  assert: assertSchema.optional(),
  metrics: strict(
    {
      timings: bool().optional(),
      cache: bool().optional(),
      serverTiming: z.array(nonEmpty('a Server-Timing entry name'), { error: 'must be a list of Server-Timing entry names' }).optional(),
    },
    'timings, cache, serverTiming',
  ).optional(),
  alarm: strict(
    {
      datapointsToAlarm: int(1, LIMITS.maxEvaluationPeriods).optional(),
      evaluationPeriods: int(1, LIMITS.maxEvaluationPeriods).optional(),
    },
    'datapointsToAlarm and evaluationPeriods',
  ).optional(),
  runbook: strict(
    {
      owner: text().optional(),
      expected: text().optional(),
      rollback: text().optional(),
      url: httpUrl('the runbook link').optional(),
    },
    'owner, expected, rollback, url',
  ).optional(),
};

export const checkSchema = strict(
  { name: checkName(), url: httpUrl('the URL to probe'), ...checkFields },
  'check fields',
);

export const defaultsSchema = strict(checkFields, 'check fields applied to every check');

export const NAMESPACE = /^[A-Za-z0-9._/#:-]{1,255}$/;

/** The top level. `checks` entries are validated one by one after defaults are merged. */
export const fileSchema = strict(
  {
    namespace: text('a CloudWatch namespace')
      .regex(NAMESPACE, { error: 'must be 1 to 255 characters: letters, digits and . _ - / # :' })
      .refine((ns) => !ns.startsWith('AWS/'), { error: 'must not start with "AWS/" (reserved for AWS services)' })
      .optional(),
    defaults: z.unknown().optional(),
    alerting: strict({ critical: subscriptions.optional(), warning: subscriptions.optional() }, 'critical and warning').optional(),
    checks: z
      .array(z.unknown(), { error: 'must be a list of checks' })
      .min(1, { error: 'must list at least one check' }),
  },
  'namespace, defaults, alerting and checks',
);

export type CheckInput = z.input<typeof checkSchema>;
export type CheckParsed = z.output<typeof checkSchema>;
export type DefaultsInput = z.input<typeof defaultsSchema>;
export type FileInput = Omit<z.input<typeof fileSchema>, 'checks' | 'defaults'> & {
  defaults?: DefaultsInput;
  checks: CheckInput[];
};
