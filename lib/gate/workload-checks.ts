import { K8sObject } from '../kube/object';
import { CheckId, RawFinding } from './findings';
import { AddPodFinding, allContainers, PodTemplate, podTemplateOf } from './pods';

/** Node label the gate expects multi-replica workloads to spread on. */
const HOSTNAME_KEY = 'kubernetes.io/hostname';
/** Verbs with which a Role's pods/exec or pods/attach lets a subject into a container. */
const EXEC_VERBS = ['*', 'get', 'create'];

/**
 * Per-object checks of Polaris's and kube-linter's default sets that the base policy lacks:
 * scheduling (PriorityClass, pull policy, spread), the instance label, HPA minimum, Ingress
 * TLS, hostProcess and procMount, PDB eviction of unhealthy pods, and RBAC (exec/attach,
 * cluster-admin, wildcard Roles).
 */
export function checkWorkloadObject(object: K8sObject): RawFinding[] {
  const findings: RawFinding[] = [];
  const add = (check: CheckId, message: string) => findings.push({ object, check, message });
  const spec = (object.spec ?? {}) as Record<string, any>;
  const pod = podTemplateOf(object);
  if (pod) checkPodScheduling(pod, add);
  if (pod && ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(object.kind))
    checkInstanceLabel(object, add);
  switch (object.kind) {
    case 'HorizontalPodAutoscaler':
      if ((spec.minReplicas ?? 1) < 2)
        add('hpa-min-replicas', `minReplicas ${spec.minReplicas ?? 1} leaves a single pod: set at least 2`);
      break;
    case 'Ingress':
      if (!Array.isArray(spec.tls) || spec.tls.length === 0) add('ingress-tls', 'spec.tls is not set: serve over TLS');
      break;
    case 'PodDisruptionBudget':
      if (spec.unhealthyPodEvictionPolicy === undefined)
        add(
          'pdb-unhealthy-eviction',
          'spec.unhealthyPodEvictionPolicy is not set: AlwaysAllow lets a drain evict pods that never became ready',
        );
      break;
    case 'Role':
    case 'ClusterRole':
      for (const rule of ((object as Record<string, any>).rules ?? []) as Array<Record<string, string[]>>) {
        const core = (rule.apiGroups ?? []).some((g) => g === '' || g === '*');
        const exec = (rule.resources ?? []).filter((r) => ['*', 'pods/exec', 'pods/attach'].includes(r));
        const verbs = (rule.verbs ?? []).filter((v) => EXEC_VERBS.includes(v));
        if (core && exec.length > 0 && verbs.length > 0)
          add('rbac-pod-exec', `rule grants ${verbs.join(', ')} on ${exec.join(', ')}: no exec into or attach to pods`);
        if (
          (rule.apiGroups ?? []).includes('*') &&
          (rule.resources ?? []).includes('*') &&
          (rule.verbs ?? []).includes('*')
        )
          add('rbac-wildcard', 'rule grants every verb on every resource of every group');
      }
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const ref = (object as Record<string, any>).roleRef ?? {};
      if (ref.kind === 'ClusterRole' && ['cluster-admin', 'admin', 'edit'].includes(ref.name))
        add('rbac-cluster-admin', `binds ClusterRole ${ref.name}: grant a Role with only the verbs needed`);
      break;
    }
  }
  return findings;
}

/** Polaris's metadataAndInstanceMismatched: a controller's `app.kubernetes.io/instance` label is its name. */
export function checkInstanceLabel(object: K8sObject, add: (check: CheckId, message: string) => void): void {
  const instance = object.metadata.labels?.['app.kubernetes.io/instance'];
  if (instance !== object.metadata.name)
    add(
      'instance-label',
      `label app.kubernetes.io/instance must equal metadata.name ${JSON.stringify(object.metadata.name)}, got ${JSON.stringify(instance ?? null)}`,
    );
}

/**
 * The scheduling checks of one pod template: procMount, hostProcess, pull policy (each naming
 * its container), PriorityClass and, for long-running pods, topology spread.
 */
export function checkPodScheduling(pod: PodTemplate, add: AddPodFinding): void {
  const spec = pod.spec as PodTemplate['spec'] & Record<string, any>;
  for (const c of allContainers(spec)) {
    const ctx = c.securityContext ?? {};
    if (ctx.procMount !== undefined && ctx.procMount !== 'Default')
      add(
        'proc-mount',
        `container ${c.name} securityContext.procMount is ${ctx.procMount}: only Default is allowed`,
        c.name,
      );
    if (ctx.windowsOptions?.hostProcess === true || spec.securityContext?.windowsOptions?.hostProcess === true)
      add('host-process', `container ${c.name} is a Windows hostProcess container`, c.name);
    const policy = (c as Record<string, any>).imagePullPolicy;
    if (policy !== 'Always')
      add(
        'pull-policy',
        `container ${c.name} imagePullPolicy is ${policy ?? 'unset'}: Always runs what the registry holds`,
        c.name,
      );
  }
  // Polaris's priorityClassNotSet covers Jobs and CronJobs too: a backup evicted for lack of priority fails.
  if (spec.priorityClassName === undefined)
    add('priority-class', 'priorityClassName is not set: the pods get the cluster default priority');
  if (pod.runsToCompletion) return;
  const spreads = (spec.topologySpreadConstraints ?? []) as Array<Record<string, any>>;
  if (spreads.length === 0)
    add('topology-spread', 'no topologySpreadConstraints: a node or zone failure may take every pod');
}

/**
 * Environment checks that need other objects: a Deployment or StatefulSet with more than one
 * replica, or scaled by an HPA, spreads across nodes (kube-linter's no-anti-affinity), and a
 * Deployment not scaled by an HPA runs at least 2 replicas (Polaris's deploymentMissingReplicas; one
 * scaled by an HPA leaves spec.replicas to it, which the gate accepts and reports as a waiver).
 */
export function checkWorkloadEnvironment(objects: readonly K8sObject[]): RawFinding[] {
  const findings: RawFinding[] = [];
  const ns = (o: K8sObject) => o.metadata.namespace ?? '';
  const hpaOf = (owner: K8sObject) =>
    objects.find(
      (o) =>
        o.kind === 'HorizontalPodAutoscaler' &&
        ns(o) === ns(owner) &&
        (o.spec as any)?.scaleTargetRef?.kind === owner.kind &&
        (o.spec as any)?.scaleTargetRef?.name === owner.metadata.name,
    );
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const pod = podTemplateOf(o)!;
    if (!pod) continue;
    const hpa = hpaOf(o);
    const replicas = (o.spec as any)?.replicas ?? 1;
    const spec = pod.spec as Record<string, any>;
    const spreadsOnNodes =
      ((spec.topologySpreadConstraints ?? []) as Array<Record<string, any>>).some(
        (t) => t.topologyKey === HOSTNAME_KEY,
      ) || spec.affinity?.podAntiAffinity !== undefined;
    if ((hpa || replicas > 1) && !spreadsOnNodes) {
      findings.push({
        object: o,
        check: 'spread-replicas',
        message: `${hpa ? `scaled by HorizontalPodAutoscaler/${hpa.metadata.name}` : `${replicas} replicas`} with no topologySpreadConstraints on ${HOSTNAME_KEY} (or pod anti-affinity): every pod may land on one node`,
      });
    }
    if (o.kind === 'Deployment' && hpa && (o.spec as any)?.replicas === undefined) {
      // Polaris's deploymentMissingReplicas fires here, but the omission is deliberate.
      findings.push({
        object: o,
        check: 'replicas',
        message: 'no spec.replicas',
        accepted: `no spec.replicas: HorizontalPodAutoscaler/${hpa.metadata.name} sets it, and a value in git would be reset on every sync`,
      });
    }
    if (o.kind === 'Deployment' && !hpa && replicas < 2) {
      findings.push({
        object: o,
        check: 'replicas',
        message: `${replicas} replica and no HorizontalPodAutoscaler: a single pod is down on every restart`,
      });
    }
  }
  return findings;
}
