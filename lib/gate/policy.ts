import { CheckId, RawFinding } from './findings';
import { AddPodFinding, allContainers, Container, podTemplateOf, PodTemplate, selects } from './pods';
import { K8sObject } from '../kube/object';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;

/**
 * API versions removed (or deprecated) by Kubernetes version: [apiVersion, kind or '*', removed in, replacement].
 * Sources: the Kubernetes deprecated API migration guide.
 */
const REMOVED_APIS: readonly [string, string, string, string][] = [
  ['extensions/v1beta1', '*', '1.22', 'apps/v1, networking.k8s.io/v1'],
  ['apps/v1beta1', '*', '1.16', 'apps/v1'],
  ['apps/v1beta2', '*', '1.16', 'apps/v1'],
  ['networking.k8s.io/v1beta1', '*', '1.22', 'networking.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1beta1', '*', '1.22', 'rbac.authorization.k8s.io/v1'],
  ['admissionregistration.k8s.io/v1beta1', '*', '1.22', 'admissionregistration.k8s.io/v1'],
  ['apiextensions.k8s.io/v1beta1', '*', '1.22', 'apiextensions.k8s.io/v1'],
  ['scheduling.k8s.io/v1beta1', '*', '1.22', 'scheduling.k8s.io/v1'],
  ['coordination.k8s.io/v1beta1', '*', '1.22', 'coordination.k8s.io/v1'],
  ['certificates.k8s.io/v1beta1', '*', '1.22', 'certificates.k8s.io/v1'],
  ['batch/v1beta1', 'CronJob', '1.25', 'batch/v1'],
  ['discovery.k8s.io/v1beta1', '*', '1.25', 'discovery.k8s.io/v1'],
  ['events.k8s.io/v1beta1', '*', '1.25', 'events.k8s.io/v1'],
  ['policy/v1beta1', '*', '1.25', 'policy/v1'],
  ['node.k8s.io/v1beta1', '*', '1.25', 'node.k8s.io/v1'],
  ['autoscaling/v2beta1', '*', '1.25', 'autoscaling/v2'],
  ['autoscaling/v2beta2', '*', '1.26', 'autoscaling/v2'],
  ['storage.k8s.io/v1beta1', 'CSIStorageCapacity', '1.27', 'storage.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta2', '*', '1.29', 'flowcontrol.apiserver.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta3', '*', '1.32', 'flowcontrol.apiserver.k8s.io/v1'],
];

/** Options of the policy checks for one environment. */
export interface PolicyOptions {
  /** Target Kubernetes version, `major.minor`. */
  readonly kubernetesVersion: string;
}

/** Per-object policy checks (the kube-linter and Polaris default sets). */
export function checkPolicy(object: K8sObject, options: PolicyOptions): RawFinding[] {
  const findings: RawFinding[] = [];
  const add = (check: CheckId, message: string) => findings.push({ object, check, message });

  for (const [apiVersion, kind, removedIn, replacement] of REMOVED_APIS) {
    if (object.apiVersion === apiVersion && (kind === '*' || kind === object.kind)) {
      const removed = compareVersions(options.kubernetesVersion, removedIn) >= 0;
      add(
        'deprecated-api',
        `${apiVersion} ${object.kind} is ${removed ? 'removed' : 'deprecated'} in Kubernetes ${removedIn}${removed ? ` (target ${options.kubernetesVersion})` : ''}: use ${replacement}`,
      );
    }
  }

  const spec = object.spec as Record<string, any> | undefined;
  if (object.kind === 'HorizontalPodAutoscaler' && spec && (spec.minReplicas ?? 1) > spec.maxReplicas) {
    add('hpa-min-max', `minReplicas ${spec.minReplicas} > maxReplicas ${spec.maxReplicas}`);
  }
  if (object.kind === 'ConfigMap') {
    for (const [key, value] of Object.entries((object as Record<string, any>).data ?? {})) {
      if (SECRET_NAME.test(key) && String(value) !== '')
        add(
          'plain-secret-env',
          `data.${key} looks like a secret in a ConfigMap: use a Secret (ExternalSecret) reference`,
        );
    }
  }

  const pod = podTemplateOf(object);
  if (pod) checkPodPolicy(pod, add);
  return findings;
}

/**
 * The security, resource, probe and secret checks of one pod template; a finding about one
 * container names it (the operator pod templates accept some per container).
 */
export function checkPodPolicy(pod: PodTemplate, add: AddPodFinding): void {
  const spec = pod.spec;
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field]) add('host-namespace', `${field} is true: pods must not share the node's namespaces`);
  }
  for (const v of spec.volumes ?? [])
    if (v.hostPath) add('host-path', `volume ${v.name} mounts hostPath ${v.hostPath.path}`);
  if (spec.automountServiceAccountToken !== false) {
    add(
      'automount-token',
      'automountServiceAccountToken must be false (mount a projected token only where the API is needed)',
    );
  }
  const podContext = spec.securityContext ?? {};
  for (const c of allContainers(spec)) {
    const isInit = (spec.initContainers ?? []).includes(c);
    const addFor = (check: CheckId, message: string) => add(check, message, c.name);
    const where = `container ${c.name}`;
    const ctx = c.securityContext ?? {};
    const image = c.image ?? '';
    const tag = imageTag(image);
    if (!image.includes('@') && (tag === undefined || tag === 'latest')) {
      addFor(
        'latest-tag',
        `${where} image ${JSON.stringify(image)} is ${tag === undefined ? 'not pinned to a tag' : 'pinned to latest'}: pin a version or digest`,
      );
    }
    if (ctx.privileged) addFor('privileged', `${where} is privileged`);
    if (ctx.allowPrivilegeEscalation !== false)
      addFor('privilege-escalation', `${where} securityContext.allowPrivilegeEscalation must be false`);
    if (ctx.runAsNonRoot !== true && podContext.runAsNonRoot !== true)
      addFor('run-as-non-root', `${where} must set runAsNonRoot: true`);
    if (ctx.runAsUser === 0 || (ctx.runAsUser === undefined && podContext.runAsUser === 0))
      addFor('run-as-non-root', `${where} runs as user 0`);
    if (ctx.readOnlyRootFilesystem !== true)
      addFor('read-only-root-fs', `${where} securityContext.readOnlyRootFilesystem must be true`);
    const caps = ctx.capabilities ?? {};
    if (!(caps.drop ?? []).includes('ALL')) addFor('capabilities', `${where} must drop ALL capabilities`);
    if ((caps.add ?? []).length > 0) addFor('capabilities', `${where} adds capabilities ${caps.add.join(', ')}`);
    for (const p of c.ports ?? []) if (p.hostPort) addFor('host-port', `${where} binds hostPort ${p.hostPort}`);
    const missing = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((f) => {
      const [group, resource] = f.split('.') as ['requests' | 'limits', string];
      return c.resources?.[group]?.[resource] === undefined;
    });
    if (missing.length > 0) addFor('resources', `${where} has no ${missing.join(', ')}`);
    if (!pod.runsToCompletion && !isInit) {
      if (!c.livenessProbe) addFor('liveness-probe', `${where} has no livenessProbe`);
      if (!c.readinessProbe) addFor('readiness-probe', `${where} has no readinessProbe`);
    }
    for (const [name, probe] of [
      ['livenessProbe', c.livenessProbe],
      ['readinessProbe', c.readinessProbe],
      ['startupProbe', c.startupProbe],
    ] as const) {
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
      if (port !== undefined && !hasPort(c, port))
        addFor('probe-port', `${where} ${name} port ${JSON.stringify(port)} is not a container port`);
    }
    for (const e of c.env ?? []) {
      if (e.value !== undefined && e.value !== '' && SECRET_NAME.test(e.name)) {
        addFor('plain-secret-env', `${where} env ${e.name} has a literal value: use a secretKeyRef`);
      }
    }
  }
}

function hasPort(c: Container, port: string | number): boolean {
  return (c.ports ?? []).some((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port));
}

/** The tag of an image reference, or undefined when it has none. */
function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(colon + 1) : undefined;
}

/** Options of the environment-level policy checks. */
export interface EnvironmentPolicyOptions {
  /** Every long-running workload needs a PodDisruptionBudget. */
  readonly requireDisruptionBudget: boolean;
  /** Every pod must be selected by a NetworkPolicy. */
  readonly requireNetworkPolicy: boolean;
}

/** Checks over a whole rendered environment: required PDBs and NetworkPolicies, drain-blocking PDBs. */
export function checkEnvironmentPolicy(objects: readonly K8sObject[], options: EnvironmentPolicyOptions): RawFinding[] {
  const findings: RawFinding[] = [];
  const ns = (o: K8sObject) => o.metadata.namespace ?? '';
  const pods = objects.map(podTemplateOf).filter((p): p is PodTemplate => p !== undefined && !p.runsToCompletion);
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const hpaMin = (owner: K8sObject) =>
    (
      objects.find(
        (o) =>
          o.kind === 'HorizontalPodAutoscaler' &&
          ns(o) === ns(owner) &&
          (o.spec as any)?.scaleTargetRef?.name === owner.metadata.name,
      )?.spec as any
    )?.minReplicas as number | undefined;
  for (const pod of pods) {
    const covering = pdbs.filter((p) => ns(p) === ns(pod.owner) && selects((p.spec as any)?.selector, pod.labels));
    if (options.requireDisruptionBudget && pod.owner.kind !== 'DaemonSet' && covering.length === 0) {
      findings.push({
        object: pod.owner,
        check: 'pdb-required',
        message: 'no PodDisruptionBudget selects these pods, and this environment requires one',
      });
    }
    const replicas = pod.replicas ?? hpaMin(pod.owner) ?? 1;
    for (const pdb of covering) {
      const spec = pdb.spec as Record<string, any>;
      const blocks =
        spec.maxUnavailable === 0 ||
        spec.maxUnavailable === '0%' ||
        spec.minAvailable === '100%' ||
        (typeof spec.minAvailable === 'number' && spec.minAvailable >= replicas);
      if (blocks) {
        findings.push({
          object: pdb,
          check: 'pdb-blocks-drain',
          message: `${spec.maxUnavailable !== undefined ? `maxUnavailable ${spec.maxUnavailable}` : `minAvailable ${spec.minAvailable}`} with ${replicas} replica(s) of ${pod.owner.kind}/${pod.owner.metadata.name} blocks every node drain`,
        });
      }
    }
    if (
      options.requireNetworkPolicy &&
      !policies.some((p) => ns(p) === ns(pod.owner) && selectsAll((p.spec as any)?.podSelector, pod.labels))
    ) {
      findings.push({
        object: pod.owner,
        check: 'network-policy-required',
        message: 'no NetworkPolicy selects these pods, and this environment requires one',
      });
    }
  }
  return findings;
}

function selectsAll(selector: Record<string, any> | undefined, labels: Readonly<Record<string, string>>): boolean {
  return selector !== undefined && (Object.keys(selector).length === 0 || selects(selector, labels));
}

function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}
