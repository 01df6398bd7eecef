import { App } from 'cdk8s';
import {
  Datastore,
  DatastoreEngine,
  DatastoreEnvironmentProps,
  DatastoreTopology,
  EnvironmentTable,
  Platform,
  Scaling,
} from '../lib';

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
