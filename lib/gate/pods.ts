import { K8sObject } from '../kube/object';
import { CheckId } from './findings';

/** Where the pod checks report: a check, its message and, for a finding about one container, its name. */
export type AddPodFinding = (check: CheckId, message: string, container?: string) => void;

/** A pod template inside a workload, with what the checks need to know about it. */
export interface PodTemplate {
  /** The workload that owns the template. */
  readonly owner: K8sObject;
  /** Labels of the pods it creates. */
  readonly labels: Readonly<Record<string, string>>;
  /** The pod spec. */
  readonly spec: PodSpec;
  /** Whether the pods run to completion (Job, CronJob): no probes expected. */
  readonly runsToCompletion: boolean;
  /** Replica count when fixed (undefined when an HPA owns it or it does not apply). */
  readonly replicas: number | undefined;
}

/** The parts of a pod spec the checks read. */
export interface PodSpec {
  readonly containers?: Container[];
  readonly initContainers?: Container[];
  readonly volumes?: Array<Record<string, any>>;
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: Record<string, any>;
  readonly imagePullSecrets?: Array<{ name: string }>;
}

/** The parts of a container the checks read. */
export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly ports?: Array<{ name?: string; containerPort: number; hostPort?: number }>;
  readonly env?: Array<{ name: string; value?: string; valueFrom?: Record<string, any> }>;
  readonly envFrom?: Array<{
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string; optional?: boolean };
  }>;
  readonly resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readonly securityContext?: Record<string, any>;
  readonly livenessProbe?: Record<string, any>;
  readonly readinessProbe?: Record<string, any>;
  readonly startupProbe?: Record<string, any>;
}

/** The pod template of a workload object, if it has one. */
export function podTemplateOf(o: K8sObject): PodTemplate | undefined {
  const spec = o.spec as Record<string, any> | undefined;
  const make = (template: Record<string, any> | undefined, runsToCompletion: boolean, replicas?: number) =>
    template?.spec
      ? {
          owner: o,
          labels: template.metadata?.labels ?? {},
          spec: template.spec as PodSpec,
          runsToCompletion,
          replicas,
        }
      : undefined;
  switch (o.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return make(
        spec?.template,
        false,
        spec?.replicas ?? (o.kind === 'StatefulSet' || o.kind === 'ReplicaSet' ? 1 : undefined),
      );
    case 'DaemonSet':
      return make(spec?.template, false);
    case 'Job':
      return make(spec?.template, true);
    case 'CronJob':
      return make(spec?.jobTemplate?.spec?.template, true);
    case 'Pod':
      return { owner: o, labels: o.metadata.labels ?? {}, spec: spec as PodSpec, runsToCompletion: false, replicas: 1 };
    default:
      return undefined;
  }
}

/** Whether `selector` (matchLabels/matchExpressions or a plain map) selects `labels`. */
export function selects(selector: Record<string, any> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  const matchLabels: Record<string, string> =
    selector.matchLabels !== undefined || selector.matchExpressions !== undefined
      ? (selector.matchLabels ?? {})
      : selector;
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as Array<{ key: string; operator: string; values?: string[] }>) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Every container and init container of a pod spec. */
export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}
