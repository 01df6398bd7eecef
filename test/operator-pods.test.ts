import { App } from 'cdk8s';
import { Datastore, DatastoreEngine, DatastoreTopology, EnvironmentTable, Metrics, Platform, Scaling } from '../lib';
import { checkOperatorPodSecurity, operatorPodGroups, podSecurityProblems } from '../lib/gate/operator-pods';
import { K8sObject } from '../lib/kube/object';

/**
 * A platform whose every operator-managed datastore form runs in a `restricted` namespace:
 * `ha` (CloudNativePG with a Pooler, MongoDB Community, Spotahome Redis, Strimzi Kafka) and
 * `sharded` (OT-Container-Kit RedisCluster), the same two scraped (`ha-scraped`, `sharded-scraped`:
 * full metrics turn the exporter sidecars on), plus a `baseline` dev.
 */
function operatorPlatform() {
  const common = { scaling: Scaling.fixed(2), resources: { cpu: '100m', memory: '128Mi' } };
  const table = new EnvironmentTable([
    {
      ...common,
      name: 'dev',
      namespace: 'ops-dev',
      podSecurity: { enforce: 'baseline' },
      datastores: { topology: DatastoreTopology.HA },
    },
    {
      ...common,
      name: 'ha',
      namespace: 'ops-ha',
      podSecurity: { enforce: 'restricted' },
      datastores: { topology: DatastoreTopology.HA, poolers: { pg: { instances: 2 } } },
    },
    {
      ...common,
      name: 'sharded',
      namespace: 'ops-sharded',
      podSecurity: { enforce: 'restricted' },
      datastores: { topology: DatastoreTopology.HA, topologies: { cache: DatastoreTopology.CLUSTER } },
    },
    {
      ...common,
      name: 'ha-scraped',
      namespace: 'ops-ha-scraped',
      podSecurity: { enforce: 'restricted' },
      datastores: { topology: DatastoreTopology.HA },
      operations: { metrics: Metrics.full() },
    },
    {
      ...common,
      name: 'sharded-scraped',
      namespace: 'ops-sharded-scraped',
      podSecurity: { enforce: 'restricted' },
      datastores: { topology: DatastoreTopology.HA, topologies: { cache: DatastoreTopology.CLUSTER } },
      operations: { metrics: Metrics.full() },
    },
  ]);
  const platform = new Platform(new App(), 'ops', { environments: table });
  const stores = [
    new Datastore(platform, 'pg', { engine: DatastoreEngine.POSTGRESQL }),
    new Datastore(platform, 'docs', { engine: DatastoreEngine.MONGODB }),
    new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS }),
    new Datastore(platform, 'events', { engine: DatastoreEngine.KAFKA }),
  ];
  const objectsIn = (env: string): K8sObject[] =>
    stores.flatMap((d) =>
      Object.values(d.overlayObjects(table.get(env)).resources).map(
        (o) =>
          ({ ...(o as K8sObject), metadata: { ...(o as K8sObject).metadata, namespace: `ops-${env}` } }) as K8sObject,
      ),
    );
  return { objectsIn };
}

const namespace = (name: string, enforce: string): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': enforce } },
});

describe('operator-managed pods meet the Pod Security level of each environment', () => {
  const { objectsIn } = operatorPlatform();

  test.each(['dev', 'ha', 'sharded', 'ha-scraped', 'sharded-scraped'])(
    '%s: every operator pod group passes the restricted rules',
    (env) => {
      const groups = objectsIn(env).flatMap((o) => (operatorPodGroups(o) ?? []).map((g) => [o.kind, g] as const));
      const kinds = [...new Set(groups.map(([kind]) => kind))].sort();
      const exporters = groups
        .flatMap(([, g]) => g.containers.map((c) => c.name))
        .filter((n) => n.includes('exporter'));
      expect([env, exporters]).toEqual([
        env,
        env === 'ha-scraped'
          ? ['redis-exporter']
          : env === 'sharded-scraped'
            ? ['redis-exporter', 'redis-exporter']
            : [],
      ]);
      expect(kinds).toEqual(
        env.startsWith('sharded')
          ? ['Kafka', 'KafkaNodePool', 'MongoDBCommunity', 'RedisCluster']
          : env === 'ha'
            ? ['Kafka', 'KafkaNodePool', 'MongoDBCommunity', 'Pooler', 'RedisFailover']
            : ['Kafka', 'KafkaNodePool', 'MongoDBCommunity', 'RedisFailover'],
      );
      expect(groups.flatMap(([kind, g]) => podSecurityProblems(g, 'restricted').map((p) => `${kind} ${p}`))).toEqual(
        [],
      );
      const level = env === 'dev' ? 'baseline' : 'restricted';
      expect(checkOperatorPodSecurity([namespace(`ops-${env}`, level), ...objectsIn(env)])).toEqual([]);
    },
  );

  test('the MongoDB override locks down the init containers the operator adds, by their names', () => {
    const mongo = objectsIn('ha').find((o) => o.kind === 'MongoDBCommunity')!;
    const [group] = operatorPodGroups(mongo)!;
    expect(group.containers.map((c) => c.name)).toEqual([
      'mongod-posthook',
      'mongodb-agent-readinessprobe',
      'mongod',
      'mongodb-agent',
    ]);
    expect(group.pod).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 2000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('fails when an operator resource leaves its pods to the operator defaults in a restricted namespace', () => {
    const bare: K8sObject[] = [
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Pooler',
        metadata: { name: 'pg-pooler', namespace: 'p' },
        spec: {},
      },
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'KafkaNodePool',
        metadata: { name: 'nodes', namespace: 'p' },
        spec: { template: { kafkaContainer: { securityContext: { privileged: true } } } },
      },
    ];
    const restricted = objectsIn('ha-scraped').find((o) => o.kind === 'RedisFailover')!;
    const spec = restricted.spec as Record<string, any>;
    const bareExporter: K8sObject = {
      ...restricted,
      metadata: { name: 'cache', namespace: 'p' },
      spec: { ...spec, redis: { ...spec.redis, exporter: { ...spec.redis.exporter, containerSecurityContext: {} } } },
    };
    expect(checkOperatorPodSecurity([namespace('p', 'restricted'), bareExporter]).map((f) => f.message)).toEqual([
      'spec.redis container redis-exporter must set allowPrivilegeEscalation: false: namespace p enforces restricted',
      'spec.redis container redis-exporter must drop ALL capabilities: namespace p enforces restricted',
    ]);
    expect(checkOperatorPodSecurity([namespace('p', 'restricted'), ...bare]).map((f) => f.message)).toEqual([
      'spec.template.spec container pgbouncer must set allowPrivilegeEscalation: false: namespace p enforces restricted',
      'spec.template.spec container pgbouncer must drop ALL capabilities: namespace p enforces restricted',
      'spec.template.spec container pgbouncer must run with runAsNonRoot: true: namespace p enforces restricted',
      'spec.template.spec container pgbouncer must set seccompProfile RuntimeDefault or Localhost (pod or container): namespace p enforces restricted',
      'spec.template container kafka is privileged: namespace p enforces restricted',
      'spec.template container kafka must set allowPrivilegeEscalation: false: namespace p enforces restricted',
      'spec.template container kafka must drop ALL capabilities: namespace p enforces restricted',
      'spec.template container kafka must run with runAsNonRoot: true: namespace p enforces restricted',
      'spec.template container kafka must set seccompProfile RuntimeDefault or Localhost (pod or container): namespace p enforces restricted',
    ]);
    expect(checkOperatorPodSecurity([namespace('p', 'baseline'), ...bare]).map((f) => f.message)).toEqual([
      'spec.template container kafka is privileged: namespace p enforces baseline',
    ]);
  });
});
