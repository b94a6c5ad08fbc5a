/**
 * Alarm names are a contract: the constructs create `watchpost-<check>-<kind>`
 * and the runtime reads the availability alarm by that name to learn whether
 * an incident is already open (lambda/sinks/incident-state.ts).
 */
export type AlarmKind = 'availability' | 'latency-warning' | 'latency-critical' | 'certificate';

export function alarmName(check: string, kind: AlarmKind): string {
  return `watchpost-${check}-${kind}`;
}
