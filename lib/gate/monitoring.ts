import { describePromqlError, promqlSyntaxError } from '../core/promql';
import { K8sObject } from '../kube/object';
import { RawFinding } from './findings';
import { operatorTargets, OperatorTarget } from './operator-targets';
import { allContainers, podTemplateOf, selects } from './pods';

/** What the gate knows of an environment's Prometheus. */
export interface MonitoringExpectations {
  /**
   * Labels the environment's Prometheus selects monitors and rules by (the table's
   * `prometheusLabels`).
   * @default - unknown: the selection is not checked
   */
  readonly prometheusLabels?: Readonly<Record<string, string>>;
}

type Rule = { record?: string; alert?: string; expr?: unknown };

/**
 * Every rule expression of a PrometheusRule parses as PromQL (in-process, the grammar of
 * Prometheus's own UI), so `npm run validate` catches a broken expression without promtool.
 */
export function checkPromql(o: K8sObject): RawFinding[] {
  if (o.kind !== 'PrometheusRule') return [];
  const groups = ((o.spec as { groups?: { name?: string; rules?: Rule[] }[] })?.groups ?? []) as {
    name?: string;
    rules?: Rule[];
  }[];
  const findings: RawFinding[] = [];
  groups.forEach((group, g) =>
    (group.rules ?? []).forEach((rule, r) => {
      const expr = String(rule.expr ?? '');
      const error = promqlSyntaxError(expr);
      if (!error) return;
      const name = rule.record ? `record ${rule.record}` : `alert ${rule.alert ?? '(unnamed)'}`;
      findings.push({
        object: o,
        check: 'promql',
        message: `spec.groups[${g}].rules[${r}] (${name}) expr is not valid PromQL ${describePromqlError(expr, error)}`,
      });
    }),
  );
  return findings;
}

/**
 * Monitors and rules over one rendered environment: each carries the labels its Prometheus
 * selects; each ServiceMonitor selects a Service with the port it scrapes; each PodMonitor
 * selects a pod template with a container port of that name. Pods and Services an operator
 * creates count as their custom resource implies (`operator-targets.ts`), so a datastore monitor
 * whose exporter is off or whose port is misnamed is an error too.
 */
export function checkMonitoring(objects: readonly K8sObject[], expected: MonitoringExpectations = {}): RawFinding[] {
  const findings: RawFinding[] = [];
  const wanted = expected.prometheusLabels;
  const operated = operatorTargets(objects);
  for (const o of objects) {
    if (!['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind)) continue;
    if (wanted) {
      const labels = o.metadata?.labels ?? {};
      const missing = Object.entries(wanted).filter(([k, v]) => labels[k] !== v);
      if (missing.length > 0) {
        findings.push({
          object: o,
          check: 'monitor-selected',
          message: `Prometheus selects ${o.kind}s by ${pairs(wanted)}, got labels ${pairs(labels) || '(none)'}: it would never be read`,
        });
      }
    }
    if (o.kind === 'ServiceMonitor') findings.push(...serviceMonitorTargets(o, objects, operated));
    if (o.kind === 'PodMonitor') findings.push(...podMonitorTargets(o, objects, operated));
  }
  return findings;
}

type Selector = { matchLabels?: Record<string, string> } | undefined;
type MonitorSpec = { selector?: Selector; endpoints?: { port?: string }[]; podMetricsEndpoints?: { port?: string }[] };

/** Named ports of the Services a ServiceMonitor selects: rendered ones and those operators create. */
function serviceMonitorTargets(
  o: K8sObject,
  objects: readonly K8sObject[],
  operated: readonly OperatorTarget[],
): RawFinding[] {
  const spec = (o.spec ?? {}) as MonitorSpec;
  const services = [
    ...objects
      .filter((s) => s.kind === 'Service')
      .map((s) => ({
        name: `Service ${s.metadata.name}`,
        labels: (s.metadata?.labels ?? {}) as Record<string, string>,
        ports: ((s.spec as { ports?: { name?: string }[] })?.ports ?? []).map((p) => p.name ?? ''),
      })),
    ...operated.filter((t) => t.kind === 'Service').map((t) => ({ name: "the operator's Service", ...t })),
  ].filter((s) => selects(spec.selector, s.labels));
  if (services.length === 0) {
    return [
      {
        object: o,
        check: 'monitor-target',
        message: `spec.selector ${pairs(spec.selector?.matchLabels ?? {})} selects no Service in the environment`,
      },
    ];
  }
  const ports = new Set<string | undefined>(services.flatMap((s) => s.ports));
  return (spec.endpoints ?? [])
    .filter((e) => !ports.has(e.port))
    .map((e) => ({
      object: o,
      check: 'monitor-target' as const,
      message: `endpoint port ${JSON.stringify(e.port)} is not a named port of ${services.map((s) => s.name).join(', ')}; it has ${[...ports].join(', ')}`,
    }));
}

/** Named container ports of the pods a PodMonitor selects: rendered templates and operators' pods. */
function podMonitorTargets(
  o: K8sObject,
  objects: readonly K8sObject[],
  operated: readonly OperatorTarget[],
): RawFinding[] {
  const spec = (o.spec ?? {}) as MonitorSpec;
  const templates = objects.map(podTemplateOf).filter((t) => t !== undefined && selects(spec.selector, t.labels));
  const operatorPods = operated.filter((t) => t.kind === 'Pod' && selects(spec.selector, t.labels));
  if (templates.length === 0 && operatorPods.length === 0) {
    return [
      {
        object: o,
        check: 'monitor-target',
        message: `spec.selector ${pairs(spec.selector?.matchLabels ?? {})} selects no pod template or operator-created pods in the environment`,
      },
    ];
  }
  const ports = new Set([
    ...templates.flatMap((t) => allContainers(t!.spec).flatMap((c) => (c.ports ?? []).map((p) => p.name))),
    ...operatorPods.flatMap((t) => t.ports),
  ]);
  return (spec.podMetricsEndpoints ?? [])
    .filter((e) => !ports.has(e.port))
    .map((e) => ({
      object: o,
      check: 'monitor-target' as const,
      message: `podMetricsEndpoints port ${JSON.stringify(e.port)} is not a named container port of the selected pods; they have ${[...ports].filter(Boolean).join(', ') || 'none'}`,
    }));
}

function pairs(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}
