/** One custom resource kind the output emits, at the API version it emits. */
export interface TargetKind {
  /** `group/version`, e.g. `external-secrets.io/v1`. */
  readonly apiVersion: string;
  /** Kind, e.g. `ExternalSecret`. */
  readonly kind: string;
}

/** One operator the output targets: its repository and the kinds (at their versions) the output writes for it. */
export interface OperatorTarget {
  /** Display name, e.g. `External Secrets Operator`. */
  readonly operator: string;
  /** `owner/name` of the operator's repository (the release comes from the CRDs the gate checks against). */
  readonly repository: string;
  /** The kinds the output emits for it. */
  readonly kinds: readonly TargetKind[];
  /**
   * What else the output assumes of this release.
   * @default - nothing
   */
  readonly note?: string;
}

/** Kafka versions the targeted Strimzi release runs (its kafka-versions.yaml, `supported: true`). */
export const STRIMZI_KAFKA_VERSIONS: readonly string[] = ['4.2.0', '4.3.0'];

/**
 * The operators the output targets, and the API version of every custom resource it emits:
 * the constructs take their apiVersions from here, the gate checks each one against the
 * operator's CRD at the release recorded with the derived schemas, and the operator table of
 * docs/operator-releases.md is rendered from it.
 */
export const OPERATOR_TARGETS: readonly OperatorTarget[] = [
  {
    operator: 'Argo CD',
    repository: 'argoproj/argo-cd',
    kinds: [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' },
    ],
  },
  {
    operator: 'Argo Rollouts',
    repository: 'argoproj/argo-rollouts',
    kinds: [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' },
    ],
  },
  {
    operator: 'cert-manager',
    repository: 'cert-manager/cert-manager',
    kinds: [
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer' },
    ],
  },
  {
    operator: 'CloudNativePG',
    repository: 'cloudnative-pg/cloudnative-pg',
    kinds: [
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler' },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup' },
    ],
  },
  {
    operator: 'External Secrets Operator',
    repository: 'external-secrets/external-secrets',
    kinds: [
      { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore' },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' },
    ],
    note: 'v1beta1 is no longer served (since v0.17.0)',
  },
  {
    operator: 'MongoDB Community (mongodb-kubernetes)',
    repository: 'mongodb/mongodb-kubernetes',
    kinds: [{ apiVersion: 'mongodbcommunity.mongodb.com/v1', kind: 'MongoDBCommunity' }],
  },
  {
    operator: 'OpenTelemetry Operator',
    repository: 'open-telemetry/opentelemetry-operator',
    kinds: [{ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation' }],
  },
  {
    operator: 'Prometheus Operator',
    repository: 'prometheus-operator/prometheus-operator',
    kinds: [
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
    ],
  },
  {
    operator: 'Redis Operator (OT-CONTAINER-KIT)',
    repository: 'OT-CONTAINER-KIT/redis-operator',
    kinds: [{ apiVersion: 'redis.redis.opstreelabs.in/v1beta2', kind: 'RedisCluster' }],
    note: 'the password is `kubernetesConfig.redisSecret`',
  },
  {
    operator: 'Redis Operator (Spotahome)',
    repository: 'spotahome/redis-operator',
    kinds: [{ apiVersion: 'databases.spotahome.com/v1', kind: 'RedisFailover' }],
  },
  {
    operator: 'Strimzi',
    repository: 'strimzi/strimzi-kafka-operator',
    kinds: [
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka' },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool' },
    ],
    note: `KRaft with node pools; Kafka ${STRIMZI_KAFKA_VERSIONS.join(' or ')} (v1beta2 and ZooKeeper are gone since Strimzi 1.0)`,
  },
];

/** The apiVersion the output emits `kind` of `group` at; fails for a kind the table does not target. */
export function targetApiVersion(group: string, kind: string): string {
  for (const t of OPERATOR_TARGETS) {
    const found = t.kinds.find((k) => k.kind === kind && k.apiVersion.startsWith(`${group}/`));
    if (found) return found.apiVersion;
  }
  throw new Error(`internal error: ${group} ${kind} is not in OPERATOR_TARGETS (lib/model/operator-releases.ts)`);
}
