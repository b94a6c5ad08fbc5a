/**
 * Where "was this check failing before?" comes from, so a failure detail goes
 * out once per incident and a recovery notice once when it ends.
 *
 * 1. The container's memory: the last verdict this container saw for each
 *    check. Free and exact while the container lives.
 * 2. For checks this container has not seen (cold start, or a batch landing
 *    in another container), the state of the check's availability alarm
 *    (`watchpost-<check>-availability`, one DescribeAlarms call for the batch,
 *    made while the probes run): ALARM means an incident is open, OK means none.
 *    So a cold start in the middle of an outage neither pages again nor loses
 *    the recovery notice.
 * 3. Still unknown (INSUFFICIENT_DATA, no alarm, the call failed or was denied):
 *    a failing check sends its detail (a duplicate is better than a missed
 *    page) and a passing one sends nothing.
 *
 * The memory is updated only after a notice was delivered, so a Publish that
 * failed is retried on the next run instead of being lost.
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

/** DescribeAlarms takes at most 100 alarm names per call. */
const ALARM_NAMES_PER_CALL = 100;

export class IncidentMemory {
  readonly #states = new Map<string, KnownState>();

  get(check: string): KnownState | undefined {
    return this.#states.get(check);
  }

  set(check: string, state: KnownState): void {
    this.#states.set(check, state);
  }

  /** The checks this container has no verdict for. */
  unknown(checks: readonly string[]): string[] {
    return checks.filter((c) => !this.#states.has(c));
  }
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
