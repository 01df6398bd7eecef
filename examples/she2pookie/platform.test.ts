import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { renderSkaffold, synth } from '../../lib';
import { kustomizeSync } from '../../lib/kube/kubectl';
import { readTree, tempDir } from '../../test/support';
import { she2pookie, SKAFFOLD_IMAGES, SKAFFOLD_PROFILES } from './platform';
import { K8sObject } from '../../lib/kube/object';

const root = tempDir('she2pookie-');
synth(she2pookie(new App()), {
  rootDir: root,
  outdir: 'dist',
  extraFiles: { 'skaffold.yaml': renderSkaffold('she2pookie', SKAFFOLD_PROFILES, SKAFFOLD_IMAGES, 'overlays') },
});
const render = (env: string) => kustomizeSync(path.join(root, 'overlays', env));
const names = (objects: K8sObject[], kind: string) =>
  objects
    .filter((o) => o.kind === kind)
    .map((o) => o.metadata.name)
    .sort();
const envOf = (objects: K8sObject[], name: string): Record<string, string> => {
  const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as any;
  return Object.fromEntries(
    d.spec.template.spec.containers[0].env.map((e: any) => [
      e.name,
      e.value ?? `secret:${e.valueFrom.secretKeyRef.name}`,
    ]),
  );
};

describe('she2pookie example (seed 000)', () => {
  test('the synthesized tree matches the snapshot', () => {
    expect(readTree(root)).toMatchSnapshot();
  });

  test('Local Headless runs only Redis and Kafka in kind; the app runs on the host', () => {
    const objects = render('kind-headless');
    expect(names(objects, 'Deployment')).toEqual([]);
    expect(names(objects, 'StatefulSet')).toEqual(['kafka', 'redis']);
    const makefile = fs.readFileSync(path.join(root, 'Makefile'), 'utf8');
    expect(makefile).toContain('port-forward svc/redis 6379:6379');
    expect(makefile).toContain('port-forward svc/kafka 9092:9092');
  });

  test('Local Headless advertises localhost:9092 to host clients and the Service name on INTERNAL 29092', () => {
    // GIVEN kind-headless, where clients on the host reach Kafka through a port-forward
    const objects = render('kind-headless');
    // THEN the broker advertises the forwarded address on 9092 and keeps an in-cluster listener
    const kafka = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kafka') as any;
    const container = kafka.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      KAFKA_ADVERTISED_LISTENERS: 'EXTERNAL://localhost:9092,INTERNAL://kafka:29092',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      KAFKA_LISTENERS: 'EXTERNAL://:9092,INTERNAL://:29092,CONTROLLER://:9093',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT',
    });
    expect(container.ports.map((p: any) => p.containerPort).sort()).toEqual([29092, 9092]);
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'kafka') as any;
    expect(service.spec.ports.map((p: any) => [p.name, p.port]).sort()).toEqual([
      ['kafka', 9092],
      ['kafka-internal', 29092],
    ]);
  });

  test('kind and test run the FastAPI service and the orchestrator against in-cluster Redis and Kafka', () => {
    for (const env of ['kind', 'test']) {
      const objects = render(env);
      expect(names(objects, 'Deployment')).toEqual(['api', 'orchestrator']);
      expect(envOf(objects, 'api')).toMatchObject({
        KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092',
        REDIS_URL: 'redis://:$(REDIS_PASSWORD)@redis:6379/0',
      });
    }
    const kafka = render('kind').find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'kafka') as any;
    const env = Object.fromEntries(kafka.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
    });
    expect(env.KAFKA_INTER_BROKER_LISTENER_NAME).toBeUndefined();
  });

  test('prod runs Kafka through Strimzi (3 KRaft nodes) and Redis Sentinel, behind default-deny policies', () => {
    const objects = render('prod');
    const kafka = objects.find((o) => o.kind === 'Kafka') as any;
    expect(kafka.metadata.annotations).toMatchObject({
      'strimzi.io/kraft': 'enabled',
      'strimzi.io/node-pools': 'enabled',
    });
    expect((objects.find((o) => o.kind === 'KafkaNodePool') as any).spec).toMatchObject({
      replicas: 3,
      roles: ['controller', 'broker'],
    });
    expect(envOf(objects, 'orchestrator').KAFKA_BOOTSTRAP_SERVERS).toBe('kafka-kafka-bootstrap:9092');
    expect(names(objects, 'HorizontalPodAutoscaler')).toEqual(['api', 'orchestrator']);
    expect(names(objects, 'NetworkPolicy')).toContain('default-deny-ingress');
  });

  test('skaffold.yaml has dev, test and prod profiles pointing at those overlays', () => {
    const skaffold = parse(fs.readFileSync(path.join(root, 'skaffold.yaml'), 'utf8'));
    expect(skaffold.profiles.map((p: any) => [p.name, p.manifests.kustomize.paths[0]])).toEqual([
      ['dev', 'overlays/kind'],
      ['test', 'overlays/test'],
      ['prod', 'overlays/prod'],
    ]);
    expect(skaffold.profiles[2].build.local.push).toBe(true);
  });

  test('Argo CD deploys prod to its own cluster, she2pookie-prod, fenced by the prod AppProject', () => {
    const read = (file: string): any => parse(fs.readFileSync(path.join(root, 'argocd', file), 'utf8'));
    expect(read('apps/prod/api.yaml').spec).toMatchObject({
      project: 'she2pookie-prod',
      source: { path: 'overlays/prod/api' },
      destination: { name: 'she2pookie-prod', namespace: 'she2pookie' },
    });
    expect(read('apps/prod/project.yaml').spec.destinations).toEqual([
      { name: 'she2pookie-prod', namespace: 'she2pookie' },
    ]);
  });

  test('prod reads AWS Secrets Manager through IRSA with a store admitting she2pookie only; the kind modes have none', () => {
    const store = render('prod').find((o) => o.kind === 'ClusterSecretStore') as any;
    expect(store.metadata.name).toBe('aws-secrets-manager');
    expect(store.spec).toEqual({
      conditions: [{ namespaces: ['she2pookie'] }],
      provider: {
        aws: {
          service: 'SecretsManager',
          region: 'us-east-1',
          auth: { jwt: { serviceAccountRef: { namespace: 'external-secrets', name: 'external-secrets' } } },
        },
      },
    });
    const app = parse(fs.readFileSync(path.join(root, 'argocd', 'apps', 'prod', 'secret-store.yaml'), 'utf8'));
    expect(app.spec.destination.name).toBe('she2pookie-prod');
    for (const env of ['kind-headless', 'kind', 'test'])
      expect(render(env).filter((o) => o.kind === 'ClusterSecretStore')).toEqual([]);
  });
});
