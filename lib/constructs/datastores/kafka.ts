import * as strimzi from '../../../imports/strimzi';
import { StagecraftError } from '../../core/errors';
import { libraryYaml } from '../../core/yaml';
import { DatastoreTopology } from '../../model/datastore-settings';
import { STRIMZI_KAFKA_VERSIONS, targetApiVersion } from '../../model/operator-releases';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context';

/** The user Strimzi's images run as. */
const STRIMZI_UID = 1001;
/** Port Strimzi's JMX Prometheus exporter serves on (container port `tcp-prometheus`). */
const STRIMZI_METRICS_PORT = 9404;
/** Key of the JMX exporter's rules in the metrics ConfigMap. */
const KAFKA_METRICS_KEY = 'kafka-metrics-config.yml';
/**
 * JMX exporter rules for the brokers and controllers (after Strimzi's `kafka-metrics.yaml`
 * example): server, network, log and controller MBeans as gauges, `*PerSec` counts as counters.
 */
const KAFKA_JMX_RULES = {
  lowercaseOutputName: true,
  rules: [
    {
      pattern: 'kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), partition=(.*)><>Value',
      name: 'kafka_server_$1_$2',
      type: 'GAUGE',
      labels: { clientId: '$3', topic: '$4', partition: '$5' },
    },
    {
      pattern: 'kafka.server<type=(.+), name=(.+), clientId=(.+), brokerHost=(.+), brokerPort=(.+)><>Value',
      name: 'kafka_server_$1_$2',
      type: 'GAUGE',
      labels: { clientId: '$3', broker: '$4:$5' },
    },
    {
      pattern: 'kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, topic=(.+)><>Count',
      name: 'kafka_$1_$2_$3_total',
      type: 'COUNTER',
      labels: { topic: '$4' },
    },
    { pattern: 'kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*><>Count', name: 'kafka_$1_$2_$3_total', type: 'COUNTER' },
    {
      pattern: 'kafka.(\\w+)<type=(.+), name=(.+), topic=(.+), partition=(.*)><>Value',
      name: 'kafka_$1_$2_$3',
      type: 'GAUGE',
      labels: { topic: '$4', partition: '$5' },
    },
    { pattern: 'kafka.(\\w+)<type=(.+), name=(.+)><>Value', name: 'kafka_$1_$2_$3', type: 'GAUGE' },
    { pattern: 'kafka.(\\w+)<type=(.+), name=(.+)><>Count', name: 'kafka_$1_$2_$3_count', type: 'COUNTER' },
  ],
};
import { Environment } from '../../model/environment';
import { DatastoreBackup } from './datastore-backup';
import { NetworkClient } from '../network-edge';
import { DatastoreContext } from './datastore-context';
import { DatastoreFootprint } from './datastore-plan';
import { DatastoreMetricsEndpoint, EngineEndpoint, IOperatedForm } from './engine';
import { DatastoreEngineBase } from './engine-base';
import { SingleInstanceOverlay, SingleInstanceSpec } from './single-instance';

/** Port of the in-cluster listener when the client listener advertises another address. */
const KAFKA_INTERNAL_PORT = 29092;

/** Literal settings of a single node: one combined KRaft controller and broker. */
function singleNodeSettings(d: DatastoreContext, dataPath: string): Record<string, string> {
  return {
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${d.name}:9092`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_LOG_DIRS: dataPath,
    KAFKA_NODE_ID: '1',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
  };
}

/**
 * Listener settings of a single node that advertises `address` to clients (reached through a
 * port-forward): EXTERNAL on 9092 advertises it, INTERNAL on 29092 advertises the Service name
 * for in-cluster clients and carries the broker's own traffic.
 */
function advertisedListeners(d: DatastoreContext, address: string): Record<string, string> {
  return {
    KAFKA_ADVERTISED_LISTENERS: `EXTERNAL://${address},INTERNAL://${d.name}:${KAFKA_INTERNAL_PORT}`,
    KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
    KAFKA_LISTENERS: `EXTERNAL://:9092,INTERNAL://:${KAFKA_INTERNAL_PORT},CONTROLLER://:9093`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT',
  };
}

/** HA: a Strimzi `Kafka` cluster in KRaft mode with a node pool of 3 combined controller/broker nodes. */
class StrimziKafka implements IOperatedForm {
  public readonly kind = 'Kafka';
  public readonly operator = 'Strimzi operator';
  public readonly description = 'Cluster (3, Strimzi)';

  public describeIn(): string {
    return this.description;
  }

  public host(d: DatastoreContext): string {
    return `${d.name}-kafka-bootstrap`;
  }

  public podSelector(d: DatastoreContext): Record<string, string> {
    return { 'strimzi.io/cluster': d.name };
  }

  /** The entity operator's topic and user operators reconcile KafkaTopics and KafkaUsers through the API server. */
  public kubernetesApiClients(d: DatastoreContext): NetworkClient[] {
    const name = `${d.name}-entity-operator`;
    return [{ name, selector: { 'strimzi.io/cluster': d.name, 'strimzi.io/name': name } }];
  }

  public ports(d: DatastoreContext): number[] {
    return [d.port];
  }

  /**
   * With `kafka.metricsConfig`, every node of the pool runs Strimzi's JMX Prometheus exporter on
   * container port `tcp-prometheus` (9404), its rules from the ConfigMap `<name>-metrics`.
   */
  public metrics(d: DatastoreContext): DatastoreMetricsEndpoint {
    return {
      selector: { 'strimzi.io/cluster': d.name, 'strimzi.io/pool-name': this.nodePool(d) },
      portName: 'tcp-prometheus',
      port: STRIMZI_METRICS_PORT,
      path: '/metrics',
    };
  }

  public endpoint(d: DatastoreContext): EngineEndpoint {
    return { url: `${this.host(d)}:${d.port}` };
  }

  /** Kafka keeps its data replicated, not dumped. */
  public backup(): DatastoreBackup {
    return DatastoreBackup.none();
  }

  public footprint(_d: DatastoreContext, env: Environment): DatastoreFootprint {
    // Three nodes with a volume each, plus the entity operator.
    return { pods: [{ count: 4, containers: 1 }], claims: [{ count: 3, size: env.datastores.storage }] };
  }

  public resources(d: DatastoreContext, env: Environment): Record<string, unknown> {
    const metadata = { name: d.name, labels: d.labels };
    const scraped = env.operations.metrics.scrapesDatastores;
    const rules = `${d.name}-metrics`;
    const kafka: strimzi.KafkaSpec = {
      kafka: {
        version: d.version,
        listeners: [{ name: 'plain', port: d.port, type: 'internal', tls: false }],
        config: {
          'default.replication.factor': 3,
          'min.insync.replicas': 2,
          'offsets.topic.replication.factor': 3,
          'transaction.state.log.min.isr': 2,
          'transaction.state.log.replication.factor': 3,
        },
        ...(scraped
          ? {
              metricsConfig: {
                type: 'jmxPrometheusExporter',
                valueFrom: { configMapKeyRef: { name: rules, key: KAFKA_METRICS_KEY } },
              },
            }
          : {}),
      },
      entityOperator: {
        topicOperator: {},
        userOperator: {},
        template: {
          pod: { securityContext: restrictedPodSecurityContext(STRIMZI_UID) },
          topicOperatorContainer: { securityContext: restrictedContainerSecurityContext() },
          userOperatorContainer: { securityContext: restrictedContainerSecurityContext() },
        },
      },
    };
    const nodePool: strimzi.KafkaNodePoolSpec = {
      replicas: 3,
      roles: ['controller', 'broker'],
      storage: { type: 'persistent-claim', size: env.datastores.storage, deleteClaim: false },
      resources: env.datastores.resources,
      // Strimzi's default pods keep their capabilities and set no seccomp profile, which a
      // namespace enforcing `restricted` rejects; its temp directories are emptyDirs.
      template: {
        pod: { securityContext: restrictedPodSecurityContext(STRIMZI_UID) },
        kafkaContainer: { securityContext: restrictedContainerSecurityContext() },
      },
    };
    return {
      'kafka.yaml': {
        apiVersion: targetApiVersion('kafka.strimzi.io', this.kind),
        kind: this.kind,
        metadata: { ...metadata, annotations: { 'strimzi.io/kraft': 'enabled', 'strimzi.io/node-pools': 'enabled' } },
        spec: kafka,
      },
      'kafkanodepool.yaml': {
        apiVersion: targetApiVersion('kafka.strimzi.io', 'KafkaNodePool'),
        kind: 'KafkaNodePool',
        metadata: { name: this.nodePool(d), labels: { ...d.labels, 'strimzi.io/cluster': d.name } },
        spec: nodePool,
      },
      ...(scraped
        ? {
            'configmap-metrics.yaml': {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: rules, labels: d.labels },
              data: { [KAFKA_METRICS_KEY]: libraryYaml(KAFKA_JMX_RULES) },
            },
          }
        : {}),
    };
  }

  /** The KafkaNodePool of the cluster's nodes. */
  private nodePool(d: DatastoreContext): string {
    return `${d.name}-nodes`;
  }
}

/**
 * Kafka in KRaft mode: the `apache/kafka` image as one combined controller and broker
 * (optionally advertising a host address), or a Strimzi cluster of 3.
 */
export class KafkaEngine extends DatastoreEngineBase {
  public readonly name = 'kafka';
  public readonly displayName = 'Kafka';
  public readonly defaultVersion = '4.3.0';
  public readonly port = 9092;
  public readonly secretKeys = [];
  public readonly operatorNamespace = 'strimzi';
  protected readonly forms = { [DatastoreTopology.HA]: new StrimziKafka() };

  /** The Strimzi release the output targets runs only the Kafka versions it supports. */
  public checkTopology(d: DatastoreContext, topology: DatastoreTopology, env: Environment): void {
    super.checkTopology(d, topology, env);
    if (topology === DatastoreTopology.HA && !STRIMZI_KAFKA_VERSIONS.includes(d.version)) {
      throw new StagecraftError(
        d.node.path,
        `kafka version ${d.version} is not supported by the targeted Strimzi release (environment ${env.name}, HA); allowed: ${STRIMZI_KAFKA_VERSIONS.join(', ')}`,
      );
    }
  }

  public advertisesAddress(topology: DatastoreTopology): boolean {
    return topology === DatastoreTopology.SINGLE;
  }

  public singleInstance(d: DatastoreContext): SingleInstanceSpec {
    const dataPath = '/var/lib/kafka/data';
    return {
      containerName: this.name,
      image: 'apache/kafka',
      portName: 'kafka',
      uid: 1000,
      dataPath,
      scratchPaths: ['/tmp', '/opt/kafka/config', '/mnt/shared/config'],
      environment: Object.entries(singleNodeSettings(d, dataPath)).map(([name, value]) => ({ name, value })),
      readiness: [
        'sh',
        '-c',
        '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 >/dev/null',
      ],
    };
  }

  /** With an advertised address: its listeners on the container, the internal port on the Service. */
  public singleOverlay(d: DatastoreContext, advertised: string | undefined): SingleInstanceOverlay {
    if (!advertised) return super.singleOverlay(d, advertised);
    return {
      container: {
        env: Object.entries(advertisedListeners(d, advertised)).map(([name, value]) => ({ name, value })),
        ports: [{ name: 'kafka-internal', containerPort: KAFKA_INTERNAL_PORT, protocol: 'TCP' }],
      },
      patches: {
        'service-patch.yaml': {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: d.name },
          spec: {
            ports: [
              { name: 'kafka-internal', port: KAFKA_INTERNAL_PORT, targetPort: 'kafka-internal', protocol: 'TCP' },
            ],
          },
        },
      },
    };
  }

  /** In-cluster clients of a node that advertises another address use the internal listener. */
  public singlePorts(d: DatastoreContext, advertised: string | undefined): number[] {
    return advertised ? [KAFKA_INTERNAL_PORT] : [d.port];
  }

  public singleEndpoint(d: DatastoreContext, env?: Environment): EngineEndpoint {
    if (env && d.advertisedAddressIn(env)) return { url: `${d.name}:${KAFKA_INTERNAL_PORT}` };
    return super.singleEndpoint(d, env);
  }

  /** A single node is not dumped either: Kafka's data is replicated, not backed up. */
  public singleBackup(): DatastoreBackup {
    return DatastoreBackup.none();
  }

  protected serverUrl(_d: DatastoreContext, host: string, port: number): string {
    return `${host}:${port}`;
  }
}
