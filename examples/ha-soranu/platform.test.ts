import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { App } from 'cdk8s';
import { synth } from '../../lib';
import { kustomizeSync } from '../../lib/kube/kubectl';
import { readTree, tempDir } from '../../test/support';
import { haSoranu } from './platform';
import { K8sObject } from '../../lib/kube/object';

const root = tempDir('ha-soranu-');
synth(haSoranu(new App()), { rootDir: root, outdir: 'dist' });
const render = (env: string) => kustomizeSync(path.join(root, 'overlays', env));
const container = (objects: K8sObject[], name: string): any =>
  (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as any).spec.template.spec.containers[0];
const envOf = (objects: K8sObject[], name: string) =>
  Object.fromEntries(
    container(objects, name).env.map((e: any) => [
      e.name,
      e.value ?? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`,
    ]),
  );

describe('ha-soranu example (seed 001)', () => {
  test('the synthesized tree matches the snapshot', () => {
    expect(readTree(root)).toMatchSnapshot();
  });

  test('services are configured only through the seed variables, the password by Secret reference', () => {
    const dev = render('dev');
    expect(envOf(dev, 'restaurant-service')).toEqual({
      KAFKA_BROKERS: 'kafka:9092',
      POSTGRES_HOST: 'postgres',
      POSTGRES_PASSWORD: 'secret:postgres-credentials/password',
      POSTGRES_PORT: '5432',
      POSTGRES_USER: 'secret:postgres-credentials/username',
      REDIS_ADDR: 'redis:6379',
    });
    const config = dev.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'restaurant-service') as any;
    expect(config.data).toEqual({ PORT: '50052', SRV_ENV: 'development' });
    expect(container(dev, 'auth-service').readinessProbe.grpc).toEqual({ port: 50051 });
    expect(envOf(dev, 'api-gateway')).toMatchObject({ AUTH_SRV_ADDR: 'auth-service:50051' });
  });

  test('dev runs Postgres, Redis and Kafka in the cluster; prod uses managed Postgres and Redis and Strimzi Kafka', () => {
    expect(
      render('dev')
        .filter((o) => o.kind === 'StatefulSet')
        .map((o) => o.metadata.name),
    ).toEqual(['kafka', 'postgres', 'redis']);
    const prod = render('prod');
    expect(prod.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    expect(
      prod
        .filter((o) => ['Kafka', 'KafkaNodePool'].includes(o.kind))
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['Kafka', 'KafkaNodePool']);
    expect(envOf(prod, 'restaurant-service')).toMatchObject({
      POSTGRES_HOST: 'ha-soranu-prod.cluster-c1a2b3.eu-central-1.rds.amazonaws.com',
      REDIS_ADDR: 'ha-soranu-prod.x7k2pq.ng.0001.euc1.cache.amazonaws.com:6379',
      KAFKA_BROKERS: 'kafka-kafka-bootstrap:9092',
    });
    expect(prod.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name)).toEqual([
      'postgres-credentials',
      'redis-credentials',
    ]);
    // Managed services have no pods to select: egress to their port is allowed by address.
    const egress = (prod.find((o) => o.metadata.name === 'allow-auth-service-egress') as any).spec.egress;
    expect(egress).toContainEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
  });

  test('Argo CD deploys prod to two regional clusters, each with its region, scaling and managed endpoints', () => {
    const read = (file: string): any => parse(fs.readFileSync(path.join(root, file), 'utf8'));
    expect(read('argocd/apps/prod/project.yaml').spec.destinations).toEqual([
      { name: 'prod-eu', namespace: 'ha-soranu' },
      { name: 'prod-us', namespace: 'ha-soranu' },
    ]);
    for (const [cluster, region, db, min, max] of [
      ['prod-eu', 'eu-central-1', 'ha-soranu-prod.cluster-c1a2b3.eu-central-1.rds.amazonaws.com', 2, 8],
      ['prod-us', 'us-east-1', 'ha-soranu-prod.cluster-d4e5f6.us-east-1.rds.amazonaws.com', 3, 12],
    ] as const) {
      // prod spans clusters, so its services come from one ApplicationSet (the shared objects stay an Application).
      expect(read('argocd/apps/prod/services.yaml').spec.generators[0].list.elements).toContainEqual({
        name: `ha-soranu-prod-${cluster}-auth-service`,
        service: 'auth-service',
        cluster,
        path: `overlays/prod/clusters/${cluster}/auth-service`,
        destinationName: cluster,
        destinationServer: '',
      });
      expect(read(`argocd/apps/prod/${cluster}/shared.yaml`).spec.destination).toEqual({
        name: cluster,
        namespace: 'ha-soranu',
      });
      expect(read(`argocd/apps/prod/clusters/${cluster}.yaml`).spec.target.template.data).toMatchObject({
        name: cluster,
      });
      const objects = render(`prod/clusters/${cluster}`);
      expect(envOf(objects, 'auth-service')).toMatchObject({ POSTGRES_HOST: db });
      const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'auth-service') as any;
      expect(config.data).toMatchObject({ REGION: region, SRV_ENV: 'production' });
      const hpa = objects.find(
        (o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'auth-service',
      ) as any;
      expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([min, max]);
      expect(container(objects, 'auth-service').image).toBe('ha-soranu/auth-service:0.4.0');
    }
  });

  test('each prod cluster reads AWS Secrets Manager through IRSA with a store admitting ha-soranu only; dev has none', () => {
    for (const cluster of ['prod-eu', 'prod-us']) {
      const objects = kustomizeSync(path.join(root, 'overlays', 'prod', 'clusters', cluster));
      const store = objects.find((o) => o.kind === 'ClusterSecretStore') as any;
      expect(store.metadata.name).toBe('aws-secrets-manager');
      expect(store.spec).toEqual({
        conditions: [{ namespaces: ['ha-soranu'] }],
        provider: {
          aws: {
            service: 'SecretsManager',
            region: 'eu-central-1',
            auth: { jwt: { serviceAccountRef: { namespace: 'external-secrets', name: 'external-secrets' } } },
          },
        },
      });
      const app = parse(
        fs.readFileSync(path.join(root, 'argocd', 'apps', 'prod', cluster, 'secret-store.yaml'), 'utf8'),
      );
      expect(app.spec.source.path).toBe(`overlays/prod/clusters/${cluster}/secret-store`);
      expect(app.spec.destination.name).toBe(cluster);
    }
    expect(render('dev').filter((o) => o.kind === 'ClusterSecretStore')).toEqual([]);
  });
});
