import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  Datastore,
  DatastoreEngine,
  DatastoreEnvironmentProps,
  DatastoreTopology,
  EnvironmentTable,
  IDatastoreEngine,
  Metrics,
  Microservice,
  Platform,
  PoolMode,
  Scaling,
} from '../lib';
import { render } from '../lib/synth/render';

/** A one-environment platform named `shop` whose environment `dev` has these datastore settings. */
function platformWith(datastores: DatastoreEnvironmentProps): { platform: Platform; table: EnvironmentTable } {
  const table = new EnvironmentTable([
    {
      name: 'dev',
      namespace: 'shop-dev',
      scaling: Scaling.fixed(1),
      resources: { cpu: '100m', memory: '128Mi' },
      datastores,
    },
  ]);
  return { platform: new Platform(new App(), 'shop', { environments: table }), table };
}

describe('Kafka advertised address', () => {
  test('advertises the address on EXTERNAL 9092 and gives in-cluster clients INTERNAL 29092', () => {
    // GIVEN a table where host clients reach Kafka through a port-forward
    const { platform, table } = platformWith({ advertisedAddresses: { kafka: 'localhost:9092' } });
    const kafka = new Datastore(platform, 'kafka', { engine: DatastoreEngine.KAFKA });
    const dev = table.get('dev');
    // WHEN the overlay and a client's connection are derived
    const { patches } = kafka.overlayObjects(dev);
    // THEN the broker advertises both listeners and clients in the cluster use the internal one
    const container = (patches['statefulset-patch.yaml'] as any).spec.template.spec.containers[0];
    expect(container.env).toContainEqual({
      name: 'KAFKA_ADVERTISED_LISTENERS',
      value: 'EXTERNAL://localhost:9092,INTERNAL://kafka:29092',
    });
    expect((patches['service-patch.yaml'] as any).spec.ports[0].port).toBe(29092);
    expect(kafka.connectionEnv('KAFKA_BROKERS', dev)).toEqual([{ name: 'KAFKA_BROKERS', value: 'kafka:29092' }]);
    expect(kafka.portsFor(dev)).toEqual([29092]);
  });

  test('without an advertised address Kafka keeps one PLAINTEXT listener under its Service name', () => {
    const { platform, table } = platformWith({});
    const kafka = new Datastore(platform, 'kafka', { engine: DatastoreEngine.KAFKA });
    expect(kafka.overlayObjects(table.get('dev')).patches['service-patch.yaml']).toBeUndefined();
    expect(kafka.connectionEnv('KAFKA_BROKERS', table.get('dev'))).toEqual([
      { name: 'KAFKA_BROKERS', value: 'kafka:9092' },
    ]);
  });

  test('fails when an advertised address is not host:port', () => {
    expect(() => platformWith({ advertisedAddresses: { kafka: 'localhost' } })).toThrow(
      '[environments/dev] datastores.advertisedAddresses.kafka must be host:port, got "localhost"',
    );
  });

  test('fails when an advertised address is set for another engine', () => {
    const { platform, table } = platformWith({ advertisedAddresses: { redis: 'localhost:6379' } });
    const redis = new Datastore(platform, 'redis', { engine: DatastoreEngine.REDIS });
    expect(() => redis.overlayObjects(table.get('dev'))).toThrow(
      '[shop/redis] datastores.advertisedAddresses applies to a single-node Kafka only, got redis single in environment dev',
    );
  });

  test('fails when an advertised address is set for Kafka run by Strimzi', () => {
    const { platform, table } = platformWith({
      topology: DatastoreTopology.HA,
      advertisedAddresses: { kafka: 'localhost:9092' },
    });
    const kafka = new Datastore(platform, 'kafka', { engine: DatastoreEngine.KAFKA });
    expect(() => kafka.portsFor(table.get('dev'))).toThrow(
      '[shop/kafka] datastores.advertisedAddresses applies to a single-node Kafka only, got kafka ha in environment dev',
    );
  });
});

describe('PgBouncer pooler', () => {
  test('single topology: a PgBouncer Deployment and Service, and clients connect to the pooler', () => {
    // GIVEN a single PostgreSQL with a pooler of 2
    const { platform, table } = platformWith({ poolers: { orders: { instances: 2, poolMode: PoolMode.TRANSACTION } } });
    const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
    const dev = table.get('dev');
    // WHEN the overlay and a client's connection are derived
    const { resources } = orders.overlayObjects(dev);
    // THEN PgBouncer runs in front of the database and clients get its Service
    const deployment = resources['pooler-deployment.yaml'] as any;
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'POOL_MODE', value: 'transaction' });
    expect((resources['pooler-service.yaml'] as any).metadata.name).toBe('orders-pooler');
    expect(orders.connectionEnv('DATABASE_URL', dev).pop()).toEqual({
      name: 'DATABASE_URL',
      value: 'postgresql://$(ORDERS_USERNAME):$(ORDERS_PASSWORD)@orders-pooler:5432/shop',
    });
    expect(orders.fields({ host: 'PGHOST' }).connectionEnv('', dev)).toEqual([
      { name: 'PGHOST', value: 'orders-pooler' },
    ]);
    expect(orders.podSelectorFor(dev)).toEqual({
      'app.kubernetes.io/name': 'orders-pooler',
      'app.kubernetes.io/part-of': 'shop',
    });
    expect(orders.describeIn(dev)).toBe('Single instance + PgBouncer (2)');
  });

  test('HA topology: a CloudNativePG Pooler of the cluster, with the standbys the table asks for', () => {
    const { platform, table } = platformWith({
      topology: DatastoreTopology.HA,
      replicas: { orders: 1 },
      poolers: { orders: {} },
    });
    const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
    const dev = table.get('dev');
    const { resources } = orders.overlayObjects(dev);
    expect((resources['cluster.yaml'] as any).spec.instances).toBe(2);
    expect((resources['pooler.yaml'] as any).spec).toMatchObject({
      cluster: { name: 'orders' },
      instances: 1,
      type: 'rw',
      pgbouncer: { poolMode: 'session' },
    });
    expect(orders.hostFor(dev)).toBe('orders-pooler');
    expect(orders.podSelectorFor(dev)).toEqual({ 'cnpg.io/poolerName': 'orders-pooler' });
    expect(orders.serverPodSelectorFor(dev)).toEqual({ 'cnpg.io/cluster': 'orders' });
    expect(orders.describeIn(dev)).toBe('HA Cluster (2, CloudNativePG) + PgBouncer (1)');
  });

  test('fails when a pooler is set for an engine other than PostgreSQL', () => {
    const { platform, table } = platformWith({ poolers: { cache: {} } });
    const cache = new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS });
    expect(() => cache.overlayObjects(table.get('dev'))).toThrow(
      '[shop/cache] datastores.poolers applies to PostgreSQL with the SINGLE or HA topology, got redis single in environment dev',
    );
  });

  test('fails when a pooler has no instances', () => {
    expect(() => platformWith({ poolers: { orders: { instances: 0 } } })).toThrow(
      '[environments/dev] datastores.poolers.orders.instances must be an integer >= 1, got 0',
    );
  });

  test('fails when replicas are set for PostgreSQL that is not HA', () => {
    const { platform, table } = platformWith({ replicas: { orders: 1 } });
    const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
    expect(() => orders.overlayObjects(table.get('dev'))).toThrow(
      '[shop/orders] datastores.replicas applies to PostgreSQL with the HA topology, got postgresql single in environment dev',
    );
  });

  test('fails when replicas are negative', () => {
    expect(() => platformWith({ replicas: { orders: -1 } })).toThrow(
      '[environments/dev] datastores.replicas.orders must be an integer >= 0, got -1',
    );
  });
});

describe('Redis CLUSTER topology', () => {
  test('renders a RedisCluster and connects clients to its leader Service', () => {
    // GIVEN Redis as a cluster of 4 masters
    const { platform, table } = platformWith({
      topologies: { cache: DatastoreTopology.CLUSTER },
      clusterSizes: { cache: 4 },
    });
    const cache = new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS });
    const dev = table.get('dev');
    // WHEN the overlay is derived
    const { resources } = cache.overlayObjects(dev);
    // THEN the operator's custom resource carries the size, the password reference and resources
    const cluster = resources['rediscluster.yaml'] as any;
    expect(cluster).toMatchObject({ apiVersion: 'redis.redis.opstreelabs.in/v1beta2', kind: 'RedisCluster' });
    expect(cluster.spec.clusterSize).toBe(4);
    expect(cluster.spec.kubernetesConfig.redisSecret).toEqual({
      name: 'cache-credentials',
      key: 'password',
    });
    expect(cluster.spec.kubernetesConfig.resources.limits).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(cache.connectionEnv('REDIS_URL', dev).pop()).toEqual({
      name: 'REDIS_URL',
      value: 'redis://:$(CACHE_PASSWORD)@cache-leader:6379/0',
    });
    expect(cache.operatorFor(dev)).toBe('OT-Container-Kit redis-operator (RedisCluster/cache)');
    expect(cache.describeIn(dev)).toBe('Redis Cluster (4 masters + 4 followers)');
  });

  test('fails when the cluster size is below 3', () => {
    expect(() => platformWith({ clusterSizes: { cache: 2 } })).toThrow(
      '[environments/dev] datastores.clusterSizes.cache must be an integer >= 3 (a Redis Cluster needs 3 masters), got 2',
    );
  });

  test('fails when the CLUSTER topology is asked of another engine', () => {
    const { platform, table } = platformWith({ topologies: { orders: DatastoreTopology.CLUSTER } });
    const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
    expect(() => orders.overlayObjects(table.get('dev'))).toThrow(
      '[shop/orders] the CLUSTER topology is Redis only, got postgresql in environment dev; allowed: SINGLE, HA, EXTERNAL',
    );
  });

  test('fails when a Redis Cluster is given a database other than 0', () => {
    const { platform, table } = platformWith({ topologies: { cache: DatastoreTopology.CLUSTER } });
    const cache = new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS, database: '1' });
    expect(() => cache.hostFor(table.get('dev'))).toThrow(
      '[shop/cache] Redis Cluster serves database 0 only, got database "1" in environment dev',
    );
  });

  test('fails when a cluster size is set for a datastore that is not a cluster', () => {
    const { platform, table } = platformWith({ clusterSizes: { cache: 3 } });
    const cache = new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS });
    expect(() => cache.overlayObjects(table.get('dev'))).toThrow(
      '[shop/cache] datastores.clusterSizes applies to Redis with the CLUSTER topology, got redis single in environment dev',
    );
  });

  test('fails when backups are asked of a Redis Cluster', () => {
    const { platform, table } = platformWith({
      topologies: { cache: DatastoreTopology.CLUSTER },
      backup: { schedule: '0 2 * * *', retentionDays: 7 },
    });
    const cache = new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS });
    expect(() => cache.overlayObjects(table.get('dev'))).toThrow(
      '[shop/cache] datastores.backup has no dump for the Redis CLUSTER topology (environment dev); allowed: backups with SINGLE or HA',
    );
  });
});

/**
 * `shop` with one service `api` connected to PostgreSQL `orders`, in one environment `dev`
 * whose default datastore topology is `envTopology` and where `orders` is overridden to
 * `ordersTopology`, with daily backups; rendered in memory, file by file.
 */
function renderBackups(envTopology: DatastoreTopology, ordersTopology: DatastoreTopology): Record<string, string> {
  const table = new EnvironmentTable([
    {
      name: 'dev',
      namespace: 'shop-dev',
      scaling: Scaling.fixed(1),
      resources: { cpu: '100m', memory: '128Mi' },
      datastores: {
        topology: envTopology,
        topologies: { orders: ordersTopology },
        backup: { schedule: '0 3 * * *', retentionDays: 7, objectStore: 's3://shop-backups/dev' },
      },
    },
  ]);
  const platform = new Platform(new App(), 'shop', { environments: table });
  const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
  new Microservice(platform, 'api', {
    image: 'shop/api',
    port: 8080,
    initialTag: '1.0.0',
    connections: { DATABASE_URL: orders },
  });
  return Object.fromEntries(render(platform).entries());
}

/** The objects of one rendered multi-document YAML file. */
function docs(file: string | undefined): any[] {
  return parseAllDocuments(file ?? '').map((d) => d.toJSON());
}

describe('backups: one rule for the overlay, the quota and the network policies', () => {
  test('PostgreSQL overridden to HA in a SINGLE environment gets only the native ScheduledBackup', () => {
    // GIVEN orders as a CloudNativePG cluster in an environment of single instances
    // WHEN the platform is rendered
    const files = renderBackups(DatastoreTopology.SINGLE, DatastoreTopology.HA);
    // THEN CloudNativePG backs it up and no dump job, volume or network edge exists
    const overlay = 'overlays/dev/orders';
    expect(docs(files[`${overlay}/scheduledbackup.yaml`])[0].spec).toEqual({
      schedule: '0 0 3 * * *',
      backupOwnerReference: 'self',
      cluster: { name: 'orders' },
    });
    expect(docs(files[`${overlay}/cluster.yaml`])[0].spec.backup.barmanObjectStore.destinationPath).toBe(
      's3://shop-backups/dev',
    );
    expect(files[`${overlay}/backup-cronjob.yaml`]).toBeUndefined();
    expect(files[`${overlay}/backup-pvc.yaml`]).toBeUndefined();
    expect(docs(files[`${overlay}/kustomization.yaml`])[0].resources).toEqual(['cluster.yaml', 'scheduledbackup.yaml']);
    const policies = docs(files['overlays/dev/shared/network-policies.yaml']).map((p) => p.metadata.name);
    expect(policies).toContain('allow-api-to-orders');
    expect(policies).not.toContain('allow-orders-backup-to-orders');
    // AND the quota counts api (1 pod + 1 surge) and the 3 instances, no dump job: 5 pods, 3 claims, +25%
    expect(docs(files['overlays/dev/shared/resourcequota.yaml'])[0].spec.hard).toMatchObject({
      pods: '7',
      persistentvolumeclaims: '4',
      'requests.storage': '3840Mi',
    });
  });

  test('PostgreSQL overridden to SINGLE in an HA environment gets a dump CronJob, its volume and its edge', () => {
    // GIVEN orders as a single instance in an environment whose datastores are operator-managed
    // WHEN the platform is rendered
    const files = renderBackups(DatastoreTopology.HA, DatastoreTopology.SINGLE);
    // THEN a CronJob dumps it into its own PersistentVolumeClaim, and nothing of CloudNativePG exists
    const overlay = 'overlays/dev/orders';
    const cronJob = docs(files[`${overlay}/backup-cronjob.yaml`])[0];
    expect(cronJob.spec.schedule).toBe('0 3 * * *');
    expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain(
      'pg_dump -h orders -U "$DB_USERNAME" -d shop -Fc',
    );
    expect(docs(files[`${overlay}/backup-pvc.yaml`])[0].metadata.name).toBe('orders-backups');
    expect(files[`${overlay}/scheduledbackup.yaml`]).toBeUndefined();
    expect(docs(files[`${overlay}/kustomization.yaml`])[0].resources).toEqual([
      '../../../dist/orders',
      'backup-cronjob.yaml',
      'backup-pvc.yaml',
      'backup-serviceaccount.yaml',
    ]);
    // AND the dump job may reach the database
    const edge = docs(files['overlays/dev/shared/network-policies.yaml']).find(
      (p) => p.metadata.name === 'allow-orders-backup-to-orders',
    );
    expect(edge.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/part-of': 'shop' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: {
                matchLabels: { 'app.kubernetes.io/name': 'orders-backup', 'app.kubernetes.io/part-of': 'shop' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ],
    });
    // AND the quota counts api (2 pods), the instance and the dump job, and both volumes (1Gi + 5Gi), +25%
    expect(docs(files['overlays/dev/shared/resourcequota.yaml'])[0].spec.hard).toMatchObject({
      pods: '5',
      persistentvolumeclaims: '3',
      'requests.storage': '7680Mi',
    });
  });

  test('fails when PostgreSQL HA is backed up without an object store', () => {
    const { platform, table } = platformWith({
      topologies: { orders: DatastoreTopology.HA },
      backup: { schedule: '0 3 * * *', retentionDays: 7 },
    });
    const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
    expect(() => orders.overlayObjects(table.get('dev'))).toThrow(
      '[environments/dev] datastores.backup.objectStore is required for orders (PostgreSQL HA backs up to an object store), got none',
    );
  });
});

describe('single-instance exporters', () => {
  /** A platform whose only environment scrapes datastores, with these datastore settings. */
  function scrapedPlatform(datastores: DatastoreEnvironmentProps) {
    const table = new EnvironmentTable([
      {
        name: 'staging',
        namespace: 'shop-staging',
        scaling: Scaling.fixed(1),
        resources: { cpu: '100m', memory: '128Mi' },
        datastores,
        operations: { metrics: Metrics.full() },
      },
    ]);
    return { platform: new Platform(new App(), 'shop', { environments: table }), env: table.get('staging') };
  }
  const containersOf = (d: Datastore, env: ReturnType<EnvironmentTable['get']>) =>
    (d.overlayObjects(env).patches['statefulset-patch.yaml'] as any).spec.template.spec.containers;

  test('a Redis without auth runs its exporter without a password; with auth it reads the Secret', () => {
    const { platform, env } = scrapedPlatform({});
    const cache = new Datastore(platform, 'cache', { engine: DatastoreEngine.REDIS, auth: false });
    const sessions = new Datastore(platform, 'sessions', { engine: DatastoreEngine.REDIS });
    expect(containersOf(cache, env)[1].env).toEqual([{ name: 'REDIS_ADDR', value: 'redis://localhost:6379' }]);
    expect(containersOf(sessions, env)[1].env).toEqual([
      { name: 'REDIS_ADDR', value: 'redis://localhost:6379' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'sessions-credentials', key: 'password' } } },
    ]);
    expect(cache.metricsEndpointIn(env)).toEqual({
      selector: { 'app.kubernetes.io/name': 'cache', 'app.kubernetes.io/part-of': 'shop' },
      portName: 'metrics',
      port: 9121,
      path: '/metrics',
    });
  });

  test('a single Kafka or MinIO and an external datastore run no exporter and are not scraped', () => {
    const { platform, env } = scrapedPlatform({
      topologies: { db: DatastoreTopology.EXTERNAL },
      external: { db: { host: 'db.example.com' } },
    });
    const kafka = new Datastore(platform, 'kafka', { engine: DatastoreEngine.KAFKA });
    const minio = new Datastore(platform, 'minio', { engine: DatastoreEngine.MINIO });
    const db = new Datastore(platform, 'db', { engine: DatastoreEngine.POSTGRESQL });
    for (const d of [kafka, minio]) {
      expect([d.name, containersOf(d, env).map((c: any) => c.name)]).toEqual([d.name, [d.engine.name]]);
    }
    expect([kafka, minio, db].map((d) => d.metricsEndpointIn(env))).toEqual([undefined, undefined, undefined]);
    new Microservice(platform, 'api', {
      image: 'shop/api',
      port: 8080,
      initialTag: '1.0.0',
      connections: { DATABASE_URL: db, KAFKA_BROKERS: kafka, S3_ENDPOINT: minio },
    });
    const files = new Map(render(platform).entries());
    expect(['kafka', 'minio', 'db'].filter((d) => files.has(`overlays/staging/${d}/monitor.yaml`))).toEqual([]);
  });
});

describe('engines', () => {
  test('each engine brings its defaults: port, version, database, human name and operator namespace', () => {
    const { platform } = platformWith({});
    const rows = DatastoreEngine.all().map((engine) => {
      const d = new Datastore(platform, engine.name, { engine });
      return [d.name, d.port, d.version, d.database, d.engine.displayName, d.engine.operatorNamespace];
    });
    expect(rows).toEqual([
      ['mongodb', 27017, '7.0.14', 'shop', 'MongoDB', 'mongodb'],
      ['postgresql', 5432, '16.4', 'shop', 'PostgreSQL', 'cnpg-system'],
      ['redis', 6379, '7.2.5', '0', 'Redis', 'redis-operator'],
      ['kafka', 9092, '4.3.0', 'shop', 'Kafka', 'strimzi'],
      ['minio', 9000, 'RELEASE.2024-10-13T13-34-11Z', 'shop', 'MinIO', 'minio-operator'],
    ]);
  });

  test('fails when the engine is not one of the engines', () => {
    const { platform } = platformWith({});
    const engine = 'cassandra' as unknown as IDatastoreEngine;
    expect(() => new Datastore(platform, 'events', { engine })).toThrow(
      '[shop/events] engine "cassandra" is not one of: mongodb, postgresql, redis, kafka, minio',
    );
  });

  test('fails when MinIO is asked for the HA topology', () => {
    const { platform, table } = platformWith({ topology: DatastoreTopology.HA });
    const minio = new Datastore(platform, 'minio', { engine: DatastoreEngine.MINIO });
    expect(() => minio.overlayObjects(table.get('dev'))).toThrow(
      '[shop/minio] MinIO has no HA topology here (environment dev); allowed: SINGLE, or EXTERNAL for S3/R2',
    );
  });
});
