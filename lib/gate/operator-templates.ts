import { K8sObject } from '../kube/object';
import { CheckId, RawFinding } from './findings';
import { allContainers, Container, PodSpec, PodTemplate } from './pods';
import { checkPodPolicy } from './policy';
import { checkInstanceLabel, checkPodScheduling } from './workload-checks';

/** A pod-check finding on an operator's pod template that the operator's own work settles. */
interface OperatorAcceptance {
  /** The check. */
  readonly check: CheckId;
  /**
   * The container concerned.
   * @default - a finding about the whole pod
   */
  readonly container?: string;
  /**
   * The container field the operator fills: accepted only while the template leaves it unset,
   * since a value in the template wins the operator's merge.
   * @default - accepted whatever the template sets
   */
  readonly unset?: keyof Container;
  /** Why: the operator, and what it sets or does instead. */
  readonly reason: string;
}

/** An operator kind whose custom resource carries a pod template the operator merges into its own. */
interface OperatorTemplateKind {
  /** Path of the pod template (metadata and spec) under the resource's `spec`. */
  readonly path: readonly string[];
  /** Pods the operator runs from it, read from the resource's `spec`. */
  readonly replicas: (spec: Record<string, any>) => number | undefined;
  /** What the operator fills or does that the pod checks would otherwise report. */
  readonly accepted: readonly OperatorAcceptance[];
}

const MONGODB = 'the MongoDB Community operator';
const CNPG = 'CloudNativePG';

/**
 * The operators whose resources carry a pod template: the MongoDB Community operator's
 * StatefulSet override (merged by container name into the StatefulSet it builds, release 1.10.0)
 * and CloudNativePG's Pooler template (the base of the pgbouncer Deployment it builds, v1.30.0).
 * Strimzi's and the Redis operators' resources pass pod settings field by field, not as a
 * template; `checkOperatorPodSecurity` covers those.
 */
const KINDS: Readonly<Record<string, OperatorTemplateKind>> = {
  'mongodbcommunity.mongodb.com/MongoDBCommunity': {
    path: ['statefulSet', 'spec', 'template'],
    replicas: (s) => s.members,
    accepted: [
      {
        check: 'latest-tag',
        container: 'mongod',
        unset: 'image',
        reason: `${MONGODB} sets container mongod's image from spec.version (its MDB_COMMUNITY_IMAGE at that version) and changes it with the version`,
      },
      {
        check: 'latest-tag',
        container: 'mongodb-agent',
        unset: 'image',
        reason: `${MONGODB} sets container mongodb-agent's image from its AGENT_IMAGE setting`,
      },
      {
        check: 'latest-tag',
        container: 'mongod-posthook',
        unset: 'image',
        reason: `${MONGODB} sets init container mongod-posthook's image from its VERSION_UPGRADE_HOOK_IMAGE setting`,
      },
      {
        check: 'latest-tag',
        container: 'mongodb-agent-readinessprobe',
        unset: 'image',
        reason: `${MONGODB} sets init container mongodb-agent-readinessprobe's image from its READINESS_PROBE_IMAGE setting`,
      },
      {
        check: 'readiness-probe',
        container: 'mongodb-agent',
        unset: 'readinessProbe',
        reason: `${MONGODB} gives container mongodb-agent its readiness probe (exec /opt/scripts/readinessprobe): ready once the agent has the member in goal state`,
      },
      {
        check: 'readiness-probe',
        container: 'mongod',
        unset: 'readinessProbe',
        reason: `${MONGODB} probes container mongodb-agent, not mongod: the pod is ready once the agent's readiness probe finds mongod in goal state`,
      },
      {
        check: 'liveness-probe',
        container: 'mongod',
        unset: 'livenessProbe',
        reason: `${MONGODB} sets no liveness probe on mongod: mongod is the container's process (exec mongod), so a crash restarts the container, and before it starts the container waits for the agent's configuration as long as it takes`,
      },
      {
        check: 'liveness-probe',
        container: 'mongodb-agent',
        unset: 'livenessProbe',
        reason: `${MONGODB} sets no liveness probe on mongodb-agent: the agent is the container's process (-noDaemonize), so the container restarts when it exits`,
      },
      {
        check: 'automount-token',
        reason: `${MONGODB}'s readiness probe in container mongodb-agent patches its pod's agent.mongodb.com/version annotation through the API with the pod's ServiceAccount token`,
      },
    ],
  },
  'postgresql.cnpg.io/Pooler': {
    path: ['template'],
    replicas: (s) => s.instances ?? 1,
    accepted: [
      {
        check: 'readiness-probe',
        container: 'pgbouncer',
        unset: 'readinessProbe',
        reason: `${CNPG} gives container pgbouncer its readiness probe when the template sets none: TCP on port 5432, timeout 5s`,
      },
      {
        check: 'automount-token',
        reason: `${CNPG} runs its instance manager in container pgbouncer (/controller/manager pgbouncer run), which watches the Pooler and reads its Secrets through the API with the pod's ServiceAccount token`,
      },
    ],
  },
};

/** An operator resource's pod template, with where it sits and what the operator settles in it. */
export interface OperatorPodTemplate {
  /** The template, owned by the custom resource. */
  readonly pod: PodTemplate;
  /** Where its pod spec sits in the resource, e.g. `spec.template.spec`. */
  readonly where: string;
  /** The findings the operator settles. */
  readonly accepted: readonly OperatorAcceptance[];
}

/** The pod template of an operator's custom resource, or undefined when `o` carries none the gate knows. */
export function operatorPodTemplateOf(o: K8sObject): OperatorPodTemplate | undefined {
  const kind = KINDS[`${o.apiVersion.split('/')[0]}/${o.kind}`];
  if (!kind) return undefined;
  const spec = (o.spec ?? {}) as Record<string, any>;
  const template = kind.path.reduce<Record<string, any> | undefined>((v, key) => v?.[key], spec);
  if (!template?.spec) return undefined;
  return {
    pod: {
      owner: o,
      labels: template.metadata?.labels ?? {},
      spec: template.spec as PodSpec,
      runsToCompletion: false,
      replicas: kind.replicas(spec),
    },
    where: ['spec', ...kind.path, 'spec'].join('.'),
    accepted: kind.accepted,
  };
}

/**
 * Object check: the pod checks (security, resources, probes, scheduling) on the pod template an
 * operator's resource carries, and the instance label on the resource, as on a built-in
 * workload. What the operator fills in itself (images, probes) or needs (the API token) is
 * accepted with the reason, so it is listed as a waiver, never as a finding.
 */
export function checkOperatorPodTemplate(o: K8sObject): RawFinding[] {
  const template = operatorPodTemplateOf(o);
  if (!template) return [];
  const containers = allContainers(template.pod.spec);
  const findings: RawFinding[] = [];
  const add = (check: CheckId, message: string, container?: string) => {
    const c = containers.find((x) => x.name === container);
    const accepted = template.accepted.find(
      (a) => a.check === check && a.container === container && (a.unset === undefined || c?.[a.unset] === undefined),
    );
    findings.push({
      object: o,
      check,
      message: `${template.where} ${message}`,
      ...(accepted ? { accepted: accepted.reason } : {}),
    });
  };
  checkPodPolicy(template.pod, add);
  checkPodScheduling(template.pod, add);
  checkInstanceLabel(o, (check, message) => findings.push({ object: o, check, message }));
  return findings;
}
