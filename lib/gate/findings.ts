import { Severity } from '../model/validation-settings';
import { K8sObject } from '../kube/object';

export type { Severity };

/** One problem found in a rendered object. */
export interface Finding {
  /** Overlay directory the object was rendered from (e.g. `overlays/prod/catalogue`). */
  readonly overlay: string;
  /** `Kind/name` of the object (`-` when the whole overlay failed). */
  readonly object: string;
  /** Stable check id (kebab-case). */
  readonly check: string;
  /** Severity after the environment table's overrides. */
  readonly severity: Exclude<Severity, 'off'>;
  /** What is wrong: the field, the bad value and what is allowed. */
  readonly message: string;
}

/** A check's raw result, before severity and waivers are applied. */
export interface RawFinding {
  /** The object concerned (undefined for overlay-level findings). */
  readonly object?: K8sObject;
  /** Check id: a key of `CHECKS`. */
  readonly check: CheckId;
  /** Message. */
  readonly message: string;
  /**
   * Why the gate itself accepts this finding (a deliberate shape of the generated output, such
   * as replicas left to an HPA): reported as a waiver with this reason, never as a finding.
   * @default - not accepted: the check's severity applies, unless an annotation waives it
   */
  readonly accepted?: string;
}

/** Counts for one environment. */
export interface EnvironmentSummary {
  /** Environment (or `argocd`). */
  readonly env: string;
  /** Overlays rendered. */
  readonly overlays: number;
  /** Objects checked. */
  readonly objects: number;
  /** Error findings. */
  readonly errors: number;
  /** Warning findings. */
  readonly warnings: number;
  /** Waived findings. */
  readonly waived: number;
}

/** An object-level waiver: a `stagecraft.dev/waive.<check>` annotation, or a finding the gate accepts by design. */
export interface Waiver {
  /** Overlay. */
  readonly overlay: string;
  /** `Kind/name`. */
  readonly object: string;
  /** Waived check id. */
  readonly check: string;
  /** Reason given in the annotation, or the gate's own. */
  readonly reason: string;
}

/** Prefix of waiver annotations: `stagecraft.dev/waive.<check-id>: <reason>`. */
export const WAIVER_PREFIX = 'stagecraft.dev/waive.';

/** `Kind/name` of an object. */
export function objectId(o: K8sObject | undefined): string {
  return o ? `${o.kind}/${o.metadata?.name ?? '(unnamed)'}` : '-';
}

/** Every check id with what it covers, for documentation and `--json` consumers. */
export const CHECKS = {
  render: 'the overlay renders with kubectl kustomize',
  schema:
    "the object matches its schema (kubernetes-models; custom resources: the operator's own CRD, imports/upstream)",
  'no-schema': 'there is a schema for the object kind',
  'unknown-field': 'no field the schema does not define (kubeconform --strict)',
  'dns-name': 'names are DNS-1123 subdomains (labels for Services and Namespaces)',
  'label-syntax': 'label keys and values are valid',
  'duplicate-object': 'kind/namespace/name is unique',
  'service-no-pods': 'a Service selects at least one pod template',
  'service-target-port': 'a Service targetPort is a container port of the selected pods',
  'hpa-target': 'a HorizontalPodAutoscaler targets an existing workload',
  'pdb-target': 'a PodDisruptionBudget selects at least one pod template',
  'config-ref': 'referenced ConfigMaps exist',
  'secret-ref': 'referenced Secrets exist or are produced (ExternalSecret, Certificate) or declared external',
  'service-account-ref': 'referenced ServiceAccounts exist',
  'ingress-backend': 'Ingress backends name real Services and ports',
  'network-policy-selector': 'NetworkPolicy pod selectors match pods',
  'latest-tag': 'images are pinned to a tag or digest other than latest',
  'image-pin': 'overlay image pins are valid OCI tags and digests, one entry per image, no newName',
  privileged: 'containers are not privileged',
  'privilege-escalation': 'allowPrivilegeEscalation is false',
  'run-as-non-root': 'runAsNonRoot is true',
  'read-only-root-fs': 'readOnlyRootFilesystem is true',
  capabilities: 'capabilities drop ALL and add none',
  'host-namespace': 'no hostNetwork, hostPID or hostIPC',
  'host-path': 'no hostPath volumes',
  'host-port': 'no hostPort',
  resources: 'every container has CPU and memory requests and limits',
  'liveness-probe': 'long-running containers have a liveness probe',
  'readiness-probe': 'long-running containers have a readiness probe',
  'probe-port': 'probe ports are container ports',
  'automount-token': 'automountServiceAccountToken is false',
  'plain-secret-env': 'no secret-looking value in plain env vars or ConfigMaps',
  'operator-pod-security':
    'the pods an operator creates from a custom resource meet the Pod Security level their Namespace enforces',
  'priority-class': 'pods, jobs included, name a PriorityClass (Polaris priorityClassNotSet)',
  'pull-policy': 'imagePullPolicy is Always (Polaris pullPolicyNotAlways)',
  'topology-spread': 'long-running pods have topologySpreadConstraints (Polaris topologySpreadConstraint)',
  'spread-replicas':
    'a Deployment or StatefulSet with more than one replica or an HPA spreads across nodes (kube-linter no-anti-affinity)',
  replicas: 'a Deployment without an HPA runs at least 2 replicas (Polaris deploymentMissingReplicas)',
  'instance-label':
    'controllers carry app.kubernetes.io/instance equal to their name (Polaris metadataAndInstanceMismatched)',
  'hpa-min-replicas': 'an HPA keeps at least 2 replicas (Polaris hpaMinAvailability)',
  'ingress-tls': 'an Ingress sets spec.tls (Polaris tlsSettingsMissing)',
  'host-process': 'no Windows hostProcess container (Polaris hostProcess)',
  'proc-mount': 'procMount is Default (Polaris procMount)',
  'pdb-unhealthy-eviction': 'a PodDisruptionBudget sets unhealthyPodEvictionPolicy (kube-linter)',
  'rbac-pod-exec': 'no Role grants pods/exec or pods/attach (Polaris rolePodExecAttach, clusterrolePodExecAttach)',
  'rbac-cluster-admin': 'no binding to cluster-admin, admin or edit (Polaris clusterrolebindingClusterAdmin and kin)',
  'rbac-wildcard': 'no Role grants every verb on every resource (Polaris rolebindingClusterAdminRole)',
  'acme-host':
    'a Certificate from an ACME issuer names only hosts a public CA can issue (no .local, .internal, .test, ...)',
  'secret-store-fenced':
    'a ClusterSecretStore in the output admits only the namespace of the ExternalSecrets that read it (spec.conditions)',
  'secret-store-external':
    'an ExternalSecret reads a ClusterSecretStore the output does not define (its fence cannot be seen)',
  'pdb-required': 'workloads have a PodDisruptionBudget where the environment requires one',
  'network-policy-required': 'pods are covered by a NetworkPolicy where the environment requires one',
  'network-egress':
    'a default-deny environment denies all egress and allows each connection the model knows (DNS included)',
  'pdb-blocks-drain': 'a PodDisruptionBudget allows at least one eviction',
  'hpa-min-max': 'HPA minReplicas <= maxReplicas',
  'deprecated-api': 'no API version removed or deprecated in the target Kubernetes version',
  promql: 'every PrometheusRule expression parses as PromQL',
  'monitor-selected': "monitors and rules carry the labels the environment's Prometheus selects them by",
  'monitor-target': 'a ServiceMonitor selects a Service with its port, a PodMonitor pods with their port',
  'waiver-reason': 'every waiver annotation names a check and gives a reason',
  parity: 'every rendered difference between environments is explained by the environment table (no hand edits)',
} as const;

/**
 * Severity of a check the environment table does not name: advisory checks of Polaris's
 * defaults are warnings, as Polaris rates them; everything else is an error.
 */
export const DEFAULT_SEVERITIES: Readonly<Partial<Record<CheckId, 'warning'>>> = {
  'priority-class': 'warning',
  'pull-policy': 'warning',
  'topology-spread': 'warning',
  replicas: 'warning',
  'instance-label': 'warning',
  'hpa-min-replicas': 'warning',
  'ingress-tls': 'warning',
  'secret-store-external': 'warning',
};

/** The id of a check the gate runs: what findings, waivers and severities name. */
export type CheckId = keyof typeof CHECKS;

/** Whether `id` names a check of the gate. */
export function isCheckId(id: string): id is CheckId {
  return Object.prototype.hasOwnProperty.call(CHECKS, id);
}
