/**
 * What on-call opens first. One dashboard while every check fits on it
 * (SIZING.checksPerDashboard, from CloudWatch's limits): owner and runbook
 * table, the probe function's and every check's alarm status, and per check
 * availability %, latency p50/p90/max and (where timings are published) the
 * phase breakdown. Above that, the same per group of checks on detail
 * dashboards, and an overview shows every check's availability alarm and
 * links the details.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { DASHBOARD_LIMITS } from './plan.ts';
import { CHECK_DIMENSION, METRICS, phasesForCheck } from './spec/metrics.ts';
import type { CheckSpec } from './spec/types.ts';

/** CloudWatch shows at most 100 alarms in one alarm status widget. */
export const ALARMS_PER_STATUS_WIDGET = DASHBOARD_LIMITS.alarmsPerStatusWidget;

/** Console link to a dashboard in the deploying region. */
export function dashboardUrl(name: string): string {
  return `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${name}`;
}

export interface CheckDashboardProps {
  readonly dashboardName: string;
  readonly namespace: string;
  readonly checks: readonly CheckSpec[];
  /**
   * Every alarm of these checks (at most ALARMS_PER_STATUS_WIDGET per widget):
   * an alarm of this stack, or the name of one in another stack (referenced
   * by an ARN built from the name, which makes no cross-stack reference).
   */
  readonly alarms: ReadonlyArray<cloudwatch.IAlarm | string>;
  /**
   * The probe function's own alarms, shown first (on the dashboard that shows every check).
   * @default - none (a detail dashboard: the overview shows them)
   */
  readonly functionAlarms?: readonly cloudwatch.IAlarm[];
  /**
   * The overview dashboard to link back to.
   * @default - no link
   */
  readonly overviewName?: string;
}

/** Checks on one dashboard: the table, their alarm states, and graphs per check. */
export class CheckDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: CheckDashboardProps) {
    super(scope, id);
    const alarms = props.alarms.map((a, i) => (typeof a === 'string' ? cloudwatch.Alarm.fromAlarmName(this, `A${i}`, a) : a));
    const rows: cloudwatch.IWidget[][] = [
      [new cloudwatch.TextWidget({ markdown: checksTable(props.checks, props.overviewName), width: 24, height: textHeight(props.checks.length) })],
      ...(props.functionAlarms ? [alarmStatusWidgets('Probe function', props.functionAlarms)] : []),
      alarmStatusWidgets('Alarms', alarms),
      ...props.checks.map((spec) => checkRow(props.namespace, spec)),
    ];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: rows,
    });
  }
}

export interface OverviewDashboardProps {
  readonly dashboardName: string;
  /** One availability alarm name per check, in file order. */
  readonly availabilityAlarms: readonly string[];
  /** The probe function's own alarms. */
  readonly functionAlarms: readonly cloudwatch.IAlarm[];
  /** Detail dashboards, each with the names of the checks it shows. */
  readonly details: ReadonlyArray<{ name: string; checks: readonly string[] }>;
}

/** The first page when checks are split: every check's availability and the probe's health. */
export class OverviewDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OverviewDashboardProps) {
    super(scope, id);
    // By name: the alarms live in nested stacks, and an ARN built here makes no cross-stack reference.
    const availability = props.availabilityAlarms.map((name, i) => cloudwatch.Alarm.fromAlarmName(this, `A${i}`, name));
    const links = props.details
      .map((d) => `| [${d.name}](#dashboards/dashboard/${d.name}) | ${d.checks.length} | ${escapeCell(d.checks.join(', '), 400)} |`)
      .join('\n');
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# Watchpost overview\nAvailability of every check and the probe's own health. Latency, certificate and phase detail per check on the dashboards below.\n\n| dashboard | checks | names |\n|---|---|---|\n${links}`,
            width: 24,
            height: Math.min(20, 4 + props.details.length),
          }),
        ],
        alarmStatusWidgets('Probe function', props.functionAlarms),
        alarmStatusWidgets('Availability', availability),
      ],
    });
  }
}

function alarmStatusWidgets(title: string, alarms: readonly cloudwatch.IAlarm[]): cloudwatch.IWidget[] {
  const widgets: cloudwatch.IWidget[] = [];
  for (let i = 0; i < alarms.length; i += ALARMS_PER_STATUS_WIDGET) {
    const part = alarms.slice(i, i + ALARMS_PER_STATUS_WIDGET);
    const suffix = alarms.length > ALARMS_PER_STATUS_WIDGET ? ` (${i + 1}-${i + part.length})` : '';
    widgets.push(
      new cloudwatch.AlarmStatusWidget({
        title: `${title}${suffix}`,
        alarms: part,
        width: 24,
        height: Math.min(12, 2 + Math.ceil(part.length / 6)),
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    );
  }
  return widgets;
}

/** Availability %, latency p50/p90/max, and the phases when the check publishes them. */
function checkRow(namespace: string, spec: CheckSpec): cloudwatch.IWidget[] {
  const period = Duration.millis(spec.frequency);
  const metric = (name: string, statistic: string, label: string) =>
    new cloudwatch.Metric({ namespace, metricName: name, dimensionsMap: { [CHECK_DIMENSION]: spec.name }, statistic, period, label });
  const width = spec.metrics.timings ? 8 : 12;
  const availability = new cloudwatch.GraphWidget({
    title: `${spec.name}: availability %`,
    left: [
      new cloudwatch.MathExpression({
        expression: '100 * success',
        usingMetrics: { success: metric(METRICS.success.name, 'Average', 'success') },
        label: 'availability %',
        period,
      }),
    ],
    leftYAxis: { min: 0, max: 100, showUnits: false },
    width,
    height: 6,
  });
  const thresholds: cloudwatch.HorizontalAnnotation[] = [];
  const latency = spec.assert.latency;
  if (latency?.warning != null) thresholds.push({ value: latency.warning, label: 'warning', color: cloudwatch.Color.ORANGE });
  if (latency?.critical != null) thresholds.push({ value: latency.critical, label: 'critical', color: cloudwatch.Color.RED });
  const latencyWidget = new cloudwatch.GraphWidget({
    title: `${spec.name}: latency (ms)`,
    left: [
      metric(METRICS.duration.name, 'p50', 'p50'),
      metric(METRICS.duration.name, 'p90', 'p90'),
      metric(METRICS.duration.name, 'Maximum', 'max'),
    ],
    leftAnnotations: thresholds,
    leftYAxis: { min: 0, showUnits: false },
    width,
    height: 6,
  });
  const row: cloudwatch.IWidget[] = [availability, latencyWidget];
  if (spec.metrics.timings) {
    row.push(
      new cloudwatch.GraphWidget({
        title: `${spec.name}: phases (ms, average)`,
        left: phasesForCheck(spec).map((key) => metric(METRICS[key].name, 'Average', key)),
        stacked: true,
        leftYAxis: { min: 0, showUnits: false },
        width,
        height: 6,
      }),
    );
  }
  return row;
}

function checksTable(checks: readonly CheckSpec[], overviewName?: string): string {
  const back = overviewName ? `[Back to the overview](#dashboards/dashboard/${overviewName})\n\n` : '';
  const rows = checks.map((c) => {
    const runbook = c.runbook.url ? `[runbook](${c.runbook.url})` : '-';
    return `| ${c.name} | ${escapeCell(`${c.method} ${c.url}`, 120)} | ${escapeCell(c.runbook.owner ?? '-', 60)} | ${runbook} | ${escapeCell(c.runbook.expected ?? '-', 120)} |`;
  });
  return `# Watchpost checks\n${back}| check | probes | owner | runbook | expected |\n|---|---|---|---|---|\n${rows.join('\n')}`;
}

function textHeight(rows: number): number {
  return Math.min(20, 4 + rows);
}

/** Markdown table cells: no pipes or newlines, bounded length. */
function escapeCell(text: string, max: number): string {
  const flat = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
