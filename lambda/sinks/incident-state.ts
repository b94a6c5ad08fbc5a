/**
 * Where "was this check failing before?" comes from, so a failure detail goes
 * out once per incident and a recovery notice once when it ends.
 *
 * Every batch goes to the one probe function, so any warm container may get
 * any batch: a container's memory of a check may be minutes old while other
 * containers ran it in between. So:
 *
 * 1. The container's memory, only when it is the verdict of the immediately
 *    preceding run of that check (its scheduledTime one frequency before this
 *    run's, within a quarter of the frequency): then nobody else ran the
 *    check since, and the memory is exact.
 * 2. Otherwise the state of the check's availability alarm
 *    (`watchpost-<check>-availability`, DescribeAlarms, up to 100 names a
 *    call), read after the probes and only where it can change what is sent:
 *    a check failing now, or one passing now that this container last saw
 *    failing or has never seen. ALARM means an incident is open, OK means none.
 *    A passing check the container last saw passing is not read, so a healthy
 *    fleet whose containers have seen their checks makes no calls.
 * 3. Still unknown (INSUFFICIENT_DATA, no alarm, the call failed or was
 *    denied): a failing check sends its detail (a duplicate is better than a
 *    missed page) and a passing one sends nothing.
 *
 * The memory records what the notices have announced as of a run: a notice
 * that could not be delivered leaves the announced state as it was, stamped
 * with this run, so the next run retries it.
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { alarmName } from '../../lib/spec/alarm-names.ts';
import type { Severity } from '../../lib/spec/types.ts';
import { describeError } from './metrics.ts';

export interface KnownState {
  ok: boolean;
  /** The severity the open incident was announced with (its recovery goes to the same topic). */
  severity: Severity;
}

export type PreviousState = KnownState | 'unknown';

/**
 * How far a remembered run may sit from "exactly one frequency earlier", as a
 * fraction of the frequency. Scheduler's scheduledTime is exact, so this only
 * absorbs clock rounding; a quarter can never reach the run before or after.
 */
export const PRECEDING_RUN_TOLERANCE = 0.25;

/** DescribeAlarms takes at most 100 alarm names per call. */
const ALARM_NAMES_PER_CALL = 100;

interface Remembered extends KnownState {
  /** Epoch ms: the scheduledTime of the run this verdict is from. */
  scheduledTime: number;
}

/** What a container remembers of one check, judged against the run at hand. */
export interface Recalled {
  /** The verdict of the immediately preceding run, when this container made it. */
  trusted: KnownState | undefined;
  /** The last verdict this container saw, however old: only says whether the alarm is worth reading. */
  last: KnownState | undefined;
}

export class IncidentMemory {
  readonly #states = new Map<string, Remembered>();

  recall(check: string, scheduledTime: number, frequencyMs: number): Recalled {
    const entry = this.#states.get(check);
    if (!entry) return { trusted: undefined, last: undefined };
    const last = { ok: entry.ok, severity: entry.severity };
    const gap = scheduledTime - entry.scheduledTime;
    const preceding = Math.abs(gap - frequencyMs) <= frequencyMs * PRECEDING_RUN_TOLERANCE;
    return { trusted: preceding ? last : undefined, last };
  }

  remember(check: string, state: KnownState, scheduledTime: number): void {
    this.#states.set(check, { ok: state.ok, severity: state.severity, scheduledTime });
  }
}

/** Whether the alarm state could change what this run sends for the check. */
export function needsAlarmState(ok: boolean, recalled: Recalled): boolean {
  if (recalled.trusted) return false;
  return !ok || recalled.last === undefined || !recalled.last.ok;
}

/**
 * The previous state a decision uses. An open incident learned from the alarm
 * keeps the severity this container last saw it with, or else `severity`
 * (what the current failure would be announced with).
 */
export function previousState(recalled: Recalled, alarm: KnownState | undefined, severity: Severity): PreviousState {
  if (recalled.trusted) return recalled.trusted;
  if (!alarm) return 'unknown';
  if (alarm.ok) return alarm;
  return { ok: false, severity: recalled.last && !recalled.last.ok ? recalled.last.severity : severity };
}

export interface AlarmHints {
  states: Map<string, KnownState>;
  /** Why the alarm states could not be read, when they could not. */
  error: string | null;
  calls: number;
}

/** Reads the availability alarm state of each check; never throws. */
export async function alarmHints(client: CloudWatchClient, checks: readonly string[], abortSignal?: AbortSignal): Promise<AlarmHints> {
  const hints: AlarmHints = { states: new Map(), error: null, calls: 0 };
  const byAlarm = new Map(checks.map((c) => [alarmName(c, 'availability'), c]));
  const names = [...byAlarm.keys()];
  for (let i = 0; i < names.length; i += ALARM_NAMES_PER_CALL) {
    hints.calls++;
    try {
      const page = await client.send(
        new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + ALARM_NAMES_PER_CALL), AlarmTypes: ['MetricAlarm'] }),
        { abortSignal },
      );
      for (const alarm of page.MetricAlarms ?? []) {
        const check = byAlarm.get(alarm.AlarmName ?? '');
        if (!check) continue;
        if (alarm.StateValue === 'ALARM') hints.states.set(check, { ok: false, severity: 'critical' });
        else if (alarm.StateValue === 'OK') hints.states.set(check, { ok: true, severity: 'critical' });
      }
    } catch (err) {
      hints.error ??= describeError(err);
    }
  }
  return hints;
}

/** Which notice a result calls for, given what came before. */
export function noticeFor(ok: boolean, previous: PreviousState): 'failure' | 'recovery' | null {
  if (previous === 'unknown') return ok ? null : 'failure';
  if (!ok && previous.ok) return 'failure';
  if (ok && !previous.ok) return 'recovery';
  return null;
}
