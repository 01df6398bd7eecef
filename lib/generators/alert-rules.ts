import { Datastore } from '../constructs/datastores/datastore';
import { Microservice } from '../constructs/microservice';
import { AlertUrgency, BurnRateAlert } from '../model/burn-rate';
import { Environment } from '../model/environment';
import { Objective } from '../model/objective';
import { renderMatchers, Sli } from '../model/sli';
import { MONITORING_API_VERSION } from './monitors';

/** One Prometheus rule: a recording rule (`record`) or an alert (`alert`). */
export interface PrometheusRuleEntry {
  /** Name of the series a recording rule writes. */
  readonly record?: string;
  /** Name of an alert. */
  readonly alert?: string;
  /** PromQL. */
  readonly expr: string;
  /** How long the condition must hold before the alert fires. */
  readonly for?: string;
  /** Labels added to the result. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of an alert. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule group, as in a Prometheus rule file and a PrometheusRule's `spec.groups`. */
export interface RuleGroup {
  /** Group name, unique in the file. */
  readonly name: string;
  /** Rules, evaluated in order. */
  readonly rules: readonly PrometheusRuleEntry[];
}

/** Prefix of the SLO recording rules: `slo:sli_error:ratio_rate5m`, as Sloth names them. */
export const SLO_RECORD_PREFIX = 'slo:sli_error:ratio_rate';

/** The alert every burn-rate window raises, told apart by its `long_window` and `short_window` labels. */
export const BURN_RATE_ALERT = 'ErrorBudgetBurn';

/** A basic workload alert, with the urgency its severity comes from. */
interface BasicAlert {
  readonly alert: string;
  readonly urgency: AlertUrgency;
  readonly expr: (ns: string) => string;
  readonly for?: string;
  readonly summary: string;
  /** Rendered only where this holds. */
  readonly when: (options: AlertRulesOptions) => boolean;
}

// kube-state-metrics and kubelet series, as kube-prometheus-stack scrapes them; each alert is
// scoped to the environment's namespace, so one Prometheus may watch every environment.
const BASIC_ALERTS: readonly BasicAlert[] = [
  {
    alert: 'PodCrashLooping',
    urgency: AlertUrgency.TICKET,
    expr: (ns) =>
      `max_over_time(kube_pod_container_status_waiting_reason{namespace="${ns}",reason="CrashLoopBackOff"}[5m]) >= 1`,
    for: '15m',
    summary: 'Container {{ $labels.container }} of pod {{ $labels.pod }} is crash-looping.',
    when: ({ services }) => services.length > 0,
  },
  {
    alert: 'PodNotReady',
    urgency: AlertUrgency.TICKET,
    expr: (ns) => `sum by (namespace, pod) (kube_pod_status_ready{namespace="${ns}",condition="false"}) > 0`,
    for: '15m',
    summary: 'Pod {{ $labels.pod }} has not been ready for 15 minutes.',
    when: ({ services, datastores }) => services.length + datastores.length > 0,
  },
  {
    alert: 'PodRestarting',
    urgency: AlertUrgency.TICKET,
    expr: (ns) => `increase(kube_pod_container_status_restarts_total{namespace="${ns}"}[1h]) > 3`,
    summary: 'Container {{ $labels.container }} of pod {{ $labels.pod }} restarted more than 3 times in an hour.',
    when: ({ services, datastores }) => services.length + datastores.length > 0,
  },
  {
    alert: 'HorizontalPodAutoscalerAtMaximum',
    urgency: AlertUrgency.TICKET,
    expr: (ns) =>
      `kube_horizontalpodautoscaler_status_current_replicas{namespace="${ns}"} >= kube_horizontalpodautoscaler_spec_max_replicas{namespace="${ns}"}`,
    for: '15m',
    summary: 'HPA {{ $labels.horizontalpodautoscaler }} has run at its maximum replicas for 15 minutes.',
    when: ({ env, services }) => services.some((s) => s.settingsFor(env).scaling.autoscale !== undefined),
  },
  {
    alert: 'DatastoreVolumeFillingUp',
    urgency: AlertUrgency.TICKET,
    expr: (ns) => volumeFreeRatio(ns, 0.15),
    for: '15m',
    summary: 'Volume {{ $labels.persistentvolumeclaim }} has less than 15% free space.',
    when: ({ datastores }) => datastores.length > 0,
  },
  {
    alert: 'DatastoreVolumeNearlyFull',
    urgency: AlertUrgency.PAGE,
    expr: (ns) => volumeFreeRatio(ns, 0.05),
    for: '5m',
    summary: 'Volume {{ $labels.persistentvolumeclaim }} has less than 5% free space.',
    when: ({ datastores }) => datastores.length > 0,
  },
];

// Only datastores claim volumes in a Stagecraft namespace, so every claim there is a datastore's.
function volumeFreeRatio(ns: string, ratio: number): string {
  const m = `namespace="${ns}"`;
  return `kubelet_volume_stats_available_bytes{${m}} / kubelet_volume_stats_capacity_bytes{${m}} < ${ratio}`;
}

/** Inputs of an environment's rules. */
export interface AlertRulesOptions {
  /** Platform name, the prefix of every group. */
  readonly platform: string;
  /** The environment. */
  readonly env: Environment;
  /** The services that run there. */
  readonly services: readonly Microservice[];
  /** The datastores. */
  readonly datastores: readonly Datastore[];
}

/**
 * The rule groups of `env`: none without alerts; the basic workload alerts; and where alerts
 * are comprehensive, per service objective, the error ratio recorded over every window its
 * alerts read and one multi-window burn-rate alert per window pair.
 */
export function alertRuleGroups(options: AlertRulesOptions): RuleGroup[] {
  const { env, services, platform } = options;
  const alerting = env.operations.alerts;
  if (!alerting.enabled) return [];
  const common = { environment: env.name, ...alerting.routingLabels };
  const basic = BASIC_ALERTS.filter((a) => a.when(options)).map((a) => ({
    alert: a.alert,
    expr: a.expr(env.namespace),
    ...(a.for ? { for: a.for } : {}),
    labels: { severity: alerting.severityOf(a.urgency), urgency: a.urgency, ...common },
    annotations: { summary: a.summary },
  }));
  const groups: RuleGroup[] = basic.length > 0 ? [{ name: `${platform}-workloads`, rules: basic }] : [];
  for (const service of services) {
    for (const objective of service.objectivesIn(env)) {
      groups.push(sloGroup(platform, env, service, objective, common));
    }
  }
  return groups;
}

function sloGroup(
  platform: string,
  env: Environment,
  service: Microservice,
  objective: Objective & { readonly sli: Sli },
  common: Record<string, string>,
): RuleGroup {
  const ids = { namespace: env.namespace, service: service.name, slo: objective.name };
  const series = service.seriesIn(env);
  const records = objective.windows.map((window) => ({
    record: `${SLO_RECORD_PREFIX}${window}`,
    expr: objective.sli.errorRatio(window, series),
    labels: ids,
  }));
  const alerting = env.operations.alerts;
  const alerts = objective.burnRateAlerts.map((a) => ({
    alert: BURN_RATE_ALERT,
    expr: burnExpr(ids, objective, a),
    labels: {
      severity: alerting.severityOf(a.urgency),
      urgency: a.urgency,
      long_window: a.longWindow,
      short_window: a.shortWindow,
      service: service.name,
      slo: objective.name,
      ...common,
    },
    annotations: {
      summary: `${service.name} is burning its ${objective.name} error budget ${a.factor}x too fast (${a.longWindow} and ${a.shortWindow} windows).`,
      description:
        `Objective ${objective.targetPercent}% over ${objective.periodDays}d; at this rate ${a.budgetConsumedPercent}% ` +
        `of the budget is spent in ${a.longWindow}. Error ratio over ${a.shortWindow}: {{ $value | humanizePercentage }}.`,
    },
  }));
  return { name: `${platform}-slo-${service.name}-${objective.name}`, rules: [...records, ...alerts] };
}

function burnExpr(ids: Record<string, string>, objective: Objective, alert: BurnRateAlert): string {
  const matchers = renderMatchers(ids);
  const threshold = `(${alert.factor} * ${objective.errorBudget})`;
  // `a and b` keeps a's value: the short window comes first, so {{ $value }} is the current ratio.
  return (
    `${SLO_RECORD_PREFIX}${alert.shortWindow}{${matchers}} > ${threshold} and ` +
    `${SLO_RECORD_PREFIX}${alert.longWindow}{${matchers}} > ${threshold}`
  );
}

/** The PrometheusRule of `env` holding `groups`, labelled for the environment's Prometheus. */
export function prometheusRule(
  name: string,
  env: Environment,
  groups: readonly RuleGroup[],
  labels: Record<string, string>,
): object {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: 'PrometheusRule',
    metadata: { name, labels: { ...labels, ...env.operations.metrics.prometheusLabels } },
    spec: { groups: groups.map((g) => ({ name: g.name, rules: g.rules.map((r) => ({ ...r })) })) },
  };
}
