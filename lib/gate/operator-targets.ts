import { K8sObject } from '../kube/object';

/** Pods or a Service an operator creates from a custom resource: their labels and named ports. */
export interface OperatorTarget {
  /** `Pod` or `Service`. */
  readonly kind: 'Pod' | 'Service';
  /** Labels the operator puts on them. */
  readonly labels: Readonly<Record<string, string>>;
  /** Names of their (container or Service) ports. */
  readonly ports: readonly string[];
}

type Spec = Record<string, any>;
type Derive = (o: K8sObject, spec: Spec, objects: readonly K8sObject[]) => OperatorTarget[];

const pods = (labels: Record<string, string>, ports: string[]): OperatorTarget => ({ kind: 'Pod', labels, ports });

/**
 * Per operator kind, the pods and Services it creates that a monitor may select, as the operators'
 * sources build them: the labels and the named ports, with the metrics port only where the
 * resource turns the exporter on.
 */
const DERIVE: Record<string, Derive> = {
  // CloudNativePG: every instance runs its exporter on `metrics`.
  'postgresql.cnpg.io/Cluster': (o) => [
    pods({ ...o.metadata.labels, 'cnpg.io/cluster': o.metadata.name }, ['postgresql', 'metrics']),
  ],
  // MongoDB Community: Service `<name>-svc` and its members labelled `app: <name>-svc`; the agent's
  // `prometheus` port only with `spec.prometheus`.
  'mongodbcommunity.mongodb.com/MongoDBCommunity': (o, s) => {
    const labels = { app: `${o.metadata.name}-svc` };
    const ports = ['mongodb', ...(s.prometheus ? ['prometheus'] : [])];
    return [pods(labels, ports), { kind: 'Service', labels, ports }];
  },
  // Spotahome: Redis and Sentinel pods, each with the exporter's `metrics` port where enabled.
  'databases.spotahome.com/RedisFailover': (o, s) =>
    (['redis', 'sentinel'] as const).map((component) =>
      pods(
        {
          'app.kubernetes.io/component': component,
          'app.kubernetes.io/name': o.metadata.name,
          'app.kubernetes.io/part-of': 'redis-failover',
          'redisfailovers.databases.spotahome.com/name': o.metadata.name,
        },
        [component, ...(s[component]?.exporter?.enabled ? ['metrics'] : [])],
      ),
    ),
  // OT-Container-Kit: leaders and followers carry the resource's labels, `redis-exporter` where enabled.
  'redis.redis.opstreelabs.in/RedisCluster': (o, s) =>
    (['leader', 'follower'] as const).map((role) =>
      pods({ ...o.metadata.labels, redis_setup_type: 'cluster', role }, [
        'redis-client',
        ...(s.redisExporter?.enabled ? ['redis-exporter'] : []),
      ]),
    ),
  // Strimzi: a node pool's pods, `tcp-prometheus` where their Kafka has `kafka.metricsConfig`.
  'kafka.strimzi.io/KafkaNodePool': (o, _s, objects) => {
    const cluster = o.metadata.labels?.['strimzi.io/cluster'] ?? '';
    const kafka = objects.find((k) => k.kind === 'Kafka' && k.metadata.name === cluster);
    const metrics = (kafka?.spec as Spec | undefined)?.kafka?.metricsConfig !== undefined;
    return [
      pods({ 'strimzi.io/cluster': cluster, 'strimzi.io/kind': 'Kafka', 'strimzi.io/pool-name': o.metadata.name }, [
        'tcp-ctrlplane',
        'tcp-replication',
        'tcp-clients',
        ...(metrics ? ['tcp-prometheus'] : []),
      ]),
    ];
  },
};

/** The pods and Services operators create from the custom resources among `objects`. */
export function operatorTargets(objects: readonly K8sObject[]): OperatorTarget[] {
  return objects.flatMap((o) => {
    const derive = DERIVE[`${o.apiVersion.split('/')[0]}/${o.kind}`];
    return derive ? derive(o, (o.spec ?? {}) as Spec, objects) : [];
  });
}
