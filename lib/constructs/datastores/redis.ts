import * as db from '../../../imports/databases';
import { StagecraftError } from '../../core/errors';
import { DatastoreTopology } from '../../model/datastore-settings';
import { targetApiVersion } from '../../model/operator-releases';
import { Environment } from '../../model/environment';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context';
import { dumpFile } from './backup-job';
import { DatastoreBackup } from './datastore-backup';
import { NetworkClient } from '../network-edge';
import { DatastoreContext } from './datastore-context';
import { DatastoreFootprint } from './datastore-plan';
import { DatastoreMetricsEndpoint, EngineEndpoint, IOperatedForm } from './engine';
import { EXPORTER_RESOURCES, REDIS_EXPORTER_IMAGE, REDIS_EXPORTER_PORT } from './exporter';
import { DatastoreEngineBase } from './engine-base';
import { SingleInstanceSpec } from './single-instance';

/** User the `redis` image runs as (single instance, dump job and the RedisFailover pods). */
const REDIS_UID = 999;
/** Redis image of the CLUSTER topology: the operator's image, whose entrypoint sets up cluster mode. */
const REDIS_CLUSTER_IMAGE = 'opstree/redis:v7.0.15';
/** User the redis-operator's Redis image runs as. */
const REDIS_CLUSTER_UID = 1000;
/** Port of Redis Sentinel. */
const SENTINEL_PORT = 26379;

/** An RDB snapshot of the server at `host`, taken by `redis-cli`. */
function redisDump(d: DatastoreContext, host: string): DatastoreBackup {
  const auth = d.auth ? ' -a "$DB_PASSWORD" --no-auth-warning' : '';
  return DatastoreBackup.dump(`redis-cli -h ${host}${auth} --rdb ${dumpFile(d)}.rdb`);
}

/** HA: Redis with Sentinel of 3 through the Spotahome Redis operator (`RedisFailover`). */
class RedisSentinel implements IOperatedForm {
  public readonly kind = 'RedisFailover';
  public readonly operator = 'Spotahome Redis operator';
  public readonly description = 'Sentinel (3)';

  public describeIn(): string {
    return this.description;
  }

  /** The Sentinel Service: clients ask it for the master. */
  public host(d: DatastoreContext): string {
    return `rfs-${d.name}`;
  }

  public podSelector(d: DatastoreContext): Record<string, string> {
    return { 'redisfailovers.databases.spotahome.com/name': d.name };
  }

  /** Only the operator calls the API server; the Redis pods do not. */
  public kubernetesApiClients(): NetworkClient[] {
    return [];
  }

  /** Sentinel first, then the master it names. */
  public ports(d: DatastoreContext): number[] {
    return [SENTINEL_PORT, d.port];
  }

  /**
   * With `redis.exporter`, the operator runs redis_exporter beside each Redis (not Sentinel) pod,
   * on container port `metrics` (9121).
   */
  public metrics(d: DatastoreContext): DatastoreMetricsEndpoint {
    return {
      selector: { ...this.podSelector(d), 'app.kubernetes.io/component': 'redis' },
      portName: 'metrics',
      port: REDIS_EXPORTER_PORT,
      path: '/metrics',
    };
  }

  public endpoint(d: DatastoreContext): EngineEndpoint {
    return { url: `redis+sentinel://:{password}@${this.host(d)}:${SENTINEL_PORT}/mymaster/${d.database}` };
  }

  /** Dumps from the Redis Service (`rfr-`), not Sentinel. */
  public backup(d: DatastoreContext): DatastoreBackup {
    return redisDump(d, `rfr-${d.name}`);
  }

  public footprint(_d: DatastoreContext, env: Environment): DatastoreFootprint {
    // Three Redis pods with a volume each (and their exporter sidecars where scraped), three Sentinels without.
    const sidecars = env.operations.metrics.scrapesDatastores ? [EXPORTER_RESOURCES] : [];
    return {
      pods: [
        { count: 3, containers: 1, sidecars },
        { count: 3, containers: 1 },
      ],
      claims: [{ count: 3, size: env.datastores.storage }],
    };
  }

  public resources(d: DatastoreContext, env: Environment): Record<string, unknown> {
    const settings = env.datastores;
    const pod = restrictedPodSecurityContext(REDIS_UID);
    const container = restrictedContainerSecurityContext();
    const spec: db.RedisFailoverSpec = {
      sentinel: {
        replicas: 3,
        resources: settings.resources,
        securityContext: pod,
        containerSecurityContext: container,
      },
      redis: {
        replicas: 3,
        resources: settings.resources,
        storage: {
          keepAfterDeletion: true,
          persistentVolumeClaim: {
            metadata: { name: `${d.name}-data` },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: settings.storage } } },
          },
        },
        securityContext: pod,
        containerSecurityContext: container,
        ...(env.operations.metrics.scrapesDatastores
          ? {
              exporter: {
                enabled: true,
                image: REDIS_EXPORTER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                resources: EXPORTER_RESOURCES,
                containerSecurityContext: container,
              },
            }
          : {}),
      },
      auth: { secretPath: d.credentialsSecret },
    };
    return {
      'redisfailover.yaml': {
        apiVersion: targetApiVersion('databases.spotahome.com', 'RedisFailover'),
        kind: this.kind,
        metadata: { name: d.name, labels: d.labels },
        spec,
      },
    };
  }
}

/** CLUSTER: the OT-Container-Kit redis-operator's sharded Redis Cluster, masters (leaders) with one follower each. */
class RedisShardedCluster implements IOperatedForm {
  public readonly kind = 'RedisCluster';
  public readonly operator = 'OT-Container-Kit redis-operator';
  public readonly description = 'Redis Cluster (3 masters + 3 followers)';

  public describeIn(d: DatastoreContext, env: Environment): string {
    const size = d.clusterSizeIn(env);
    return `Redis Cluster (${size} masters + ${size} followers)`;
  }

  /** The leaders' Service. */
  public host(d: DatastoreContext): string {
    return `${d.name}-leader`;
  }

  /** The redis-operator copies the RedisCluster's labels onto its pods. */
  public podSelector(d: DatastoreContext): Record<string, string> {
    return { 'app.kubernetes.io/name': d.name, redis_setup_type: 'cluster' };
  }

  /** Only the operator calls the API server; the Redis pods do not. */
  public kubernetesApiClients(): NetworkClient[] {
    return [];
  }

  public ports(d: DatastoreContext): number[] {
    return [d.port];
  }

  /**
   * With `redisExporter`, the operator runs redis_exporter beside every leader and follower, on
   * container port `redis-exporter` (9121).
   */
  public metrics(d: DatastoreContext): DatastoreMetricsEndpoint {
    return { selector: this.podSelector(d), portName: 'redis-exporter', port: REDIS_EXPORTER_PORT, path: '/metrics' };
  }

  public endpoint(d: DatastoreContext): EngineEndpoint {
    return { url: `redis://:{password}@${this.host(d)}:${d.port}/${d.database}` };
  }

  public backup(d: DatastoreContext, env: Environment): DatastoreBackup {
    throw new StagecraftError(
      d.node.path,
      `datastores.backup has no dump for the Redis CLUSTER topology (environment ${env.name}); allowed: backups with SINGLE or HA`,
    );
  }

  public footprint(d: DatastoreContext, env: Environment): DatastoreFootprint {
    // Masters and their followers, each with a data volume and a node-conf volume.
    const pods = 2 * d.clusterSizeIn(env);
    const sidecars = env.operations.metrics.scrapesDatastores ? [EXPORTER_RESOURCES] : [];
    return {
      pods: [{ count: pods, containers: 1, sidecars }],
      claims: [
        { count: pods, size: env.datastores.storage },
        { count: pods, size: '1Gi' },
      ],
    };
  }

  public resources(d: DatastoreContext, env: Environment): Record<string, unknown> {
    const container = restrictedContainerSecurityContext();
    const claim = (storage: string) => ({
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
    });
    const spec: db.RedisClusterSpec = {
      clusterSize: d.clusterSizeIn(env),
      clusterVersion: 'v7',
      persistenceEnabled: true,
      kubernetesConfig: {
        image: REDIS_CLUSTER_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        resources: env.datastores.resources,
        redisSecret: { name: d.credentialsSecret, key: 'password' },
      },
      podSecurityContext: restrictedPodSecurityContext(REDIS_CLUSTER_UID),
      redisLeader: { securityContext: container },
      redisFollower: { securityContext: container },
      storage: {
        volumeClaimTemplate: claim(env.datastores.storage),
        nodeConfVolume: true,
        nodeConfVolumeClaimTemplate: claim('1Gi'),
      },
      ...(env.operations.metrics.scrapesDatastores
        ? {
            redisExporter: {
              enabled: true,
              image: REDIS_EXPORTER_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              resources: EXPORTER_RESOURCES,
              securityContext: container,
            },
          }
        : {}),
    };
    return {
      'rediscluster.yaml': {
        apiVersion: targetApiVersion('redis.redis.opstreelabs.in', 'RedisCluster'),
        kind: this.kind,
        metadata: { name: d.name, labels: d.labels },
        spec,
      },
    };
  }
}

/**
 * Redis: the `redis` image alone with an append-only file, Redis with Sentinel through the
 * Spotahome operator (HA), or a sharded Redis Cluster through the OT-Container-Kit operator.
 */
export class RedisEngine extends DatastoreEngineBase {
  public readonly name = 'redis';
  public readonly displayName = 'Redis';
  public readonly defaultVersion = '7.2.5';
  public readonly port = 6379;
  public readonly secretKeys = ['password'];
  public readonly operatorNamespace = 'redis-operator';
  protected readonly forms = {
    [DatastoreTopology.HA]: new RedisSentinel(),
    [DatastoreTopology.CLUSTER]: new RedisShardedCluster(),
  };

  /** Redis numbers its logical databases; clients use the first. */
  public defaultDatabase(): string {
    return '0';
  }

  public checkTopology(d: DatastoreContext, topology: DatastoreTopology, env: Environment): void {
    super.checkTopology(d, topology, env);
    if (topology === DatastoreTopology.CLUSTER && d.database !== '0') {
      throw new StagecraftError(
        d.node.path,
        `Redis Cluster serves database 0 only, got database ${JSON.stringify(d.database)} in environment ${env.name}`,
      );
    }
  }

  /** The single instance (and a managed Redis) may run without a password: a cache such as Online Boutique's redis-cart. */
  public runsWithoutAuth(topology: DatastoreTopology): boolean {
    return topology === DatastoreTopology.SINGLE || topology === DatastoreTopology.EXTERNAL;
  }

  public singleInstance(d: DatastoreContext): SingleInstanceSpec {
    const dataPath = '/data';
    return {
      containerName: this.name,
      image: 'redis',
      portName: 'redis',
      uid: REDIS_UID,
      dataPath,
      scratchPaths: ['/tmp'],
      environment: d.auth ? [{ name: 'REDIS_PASSWORD', secretKey: 'password' }] : [],
      command: {
        executable: 'redis-server',
        args: [...(d.auth ? ['--requirepass', '$(REDIS_PASSWORD)'] : []), '--appendonly', 'yes', '--dir', dataPath],
      },
      readiness: [
        'sh',
        '-c',
        d.auth
          ? 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG'
          : 'redis-cli ping | grep -q PONG',
      ],
      // The operators' redis_exporter, with the server's password: the single instance's only
      // user is the default one.
      exporter: {
        containerName: 'redis-exporter',
        image: REDIS_EXPORTER_IMAGE,
        port: REDIS_EXPORTER_PORT,
        environment: [
          { name: 'REDIS_ADDR', value: `redis://localhost:${d.port}` },
          ...(d.auth ? [{ name: 'REDIS_PASSWORD', secretKey: 'password' }] : []),
        ],
      },
    };
  }

  public singleBackup(d: DatastoreContext): DatastoreBackup {
    return redisDump(d, d.name);
  }

  protected serverUrl(d: DatastoreContext, host: string, port: number): string {
    return d.auth ? `redis://:{password}@${host}:${port}/${d.database}` : `redis://${host}:${port}/${d.database}`;
  }
}
