import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  JobGrant,
  JobTemplate,
  Microservice,
  NetworkPolicyMode,
  Platform,
  Scaling,
} from '../lib';
import { validate } from '../lib/gate/gate';
import { checkNetworkEgress, EgressExpectations } from '../lib/gate/network-egress';
import { platformEgress } from '../lib/generators/shared-overlay';
import { kustomizeSync } from '../lib/kube/kubectl';
import { K8sObject } from '../lib/kube/object';
import { render } from '../lib/synth/render';
import { bazaar } from './fixtures/platforms/bazaar';
import { DNS_EGRESS_RULE, synthBazaar, tempDir, testChart } from './support';

const policiesOf = (files: Map<string, string>, env: string) =>
  yaml.loadAll(files.get(`overlays/${env}/shared/network-policies.yaml`)!) as Record<string, any>[];
const named = (policies: Record<string, any>[], name: string) => policies.find((p) => p.metadata.name === name)!;
const DNS = DNS_EGRESS_RULE;
const API_SERVER = {
  to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
  ports: [
    { protocol: 'TCP', port: 443 },
    { protocol: 'TCP', port: 6443 },
  ],
};

/** One default-deny environment with a PostgreSQL datastore, an API that uses it and a web page that uses nothing. */
function small(
  topology: DatastoreTopology,
  cluster?: { kubernetesApi: { cidr: string; ports: number[] } },
  objectStoreEndpoint?: { cidr?: string; port?: number },
): Platform {
  const environments = new EnvironmentTable([
    {
      name: 'prod',
      namespace: 'small-prod',
      scaling: Scaling.fixed(2),
      resources: { cpu: '100m', memory: '128Mi' },
      networkPolicy: NetworkPolicyMode.DEFAULT_DENY,
      datastores: {
        topology,
        poolers: { orders: {} },
        backup: {
          schedule: '0 3 * * *',
          retentionDays: 7,
          objectStore: 's3://small/prod',
          ...(objectStoreEndpoint ? { objectStoreEndpoint } : {}),
        },
      },
    },
  ]);
  const platform = new Platform(new App(), 'small', { environments, ...(cluster ? { cluster } : {}) });
  const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
  new Microservice(platform, 'api', {
    image: 'small/api',
    port: 8080,
    initialTag: '1.0.0',
    connections: { DATABASE_URL: orders },
  });
  new Microservice(platform, 'web', { image: 'small/web', port: 3000, initialTag: '1.0.0' });
  return platform;
}

describe('egress network policies', () => {
  const files = new Map(render(bazaar(new App())).entries());

  test('prod denies all egress, then allows DNS to kube-dns in kube-system for every pod', () => {
    const policies = policiesOf(files, 'prod');
    expect(named(policies, 'default-deny-egress').spec).toEqual({ podSelector: {}, policyTypes: ['Egress'] });
    expect(named(policies, 'allow-dns-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [DNS],
    });
  });

  test('prod: voting reaches postgresql on 5432 and the collector; nothing else', () => {
    const voting = named(policiesOf(files, 'prod'), 'allow-voting-egress');
    expect(voting.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'voting', 'app.kubernetes.io/part-of': 'bazaar' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'postgresql' } } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
        { to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 4317 }] },
      ],
    });
    expect(voting.metadata.annotations['stagecraft.dev/waive.network-policy-selector']).toBe(
      'pods are created by the CloudNativePG operator (Cluster/postgresql)',
    );
  });

  test('prod: operator-managed datastores reach their peers, the API server where their pods call it, and the object store', () => {
    const policies = policiesOf(files, 'prod');
    const peers = (selector: Record<string, string>) => ({ to: [{ podSelector: { matchLabels: selector } }] });
    expect(named(policies, 'allow-postgresql-egress').spec.egress).toEqual([
      peers({ 'cnpg.io/cluster': 'postgresql' }),
      API_SERVER,
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(named(policies, 'allow-mongodb-egress').spec.egress).toEqual([peers({ app: 'mongodb-svc' }), API_SERVER]);
    // Spotahome's Redis and Sentinel pods never call the API server.
    expect(named(policies, 'allow-redis-egress').spec.egress).toEqual([
      peers({ 'redisfailovers.databases.spotahome.com/name': 'redis' }),
    ]);
    expect(named(policies, 'allow-mongodb-backup-egress').spec).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'mongodb-backup', 'app.kubernetes.io/part-of': 'bazaar' },
      },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: 'mongodb-svc' } } }], ports: [{ protocol: 'TCP', port: 27017 }] },
      ],
    });
    expect(policies.map((p) => p.metadata.name).filter((n) => n.endsWith('-egress'))).toEqual([
      'default-deny-egress',
      'allow-dns-egress',
      'allow-catalogue-egress',
      'allow-voting-egress',
      'allow-recommendation-egress',
      'allow-frontend-egress',
      'allow-mongodb-egress',
      'allow-mongodb-backup-egress',
      'allow-postgresql-egress',
      'allow-redis-egress',
      'allow-redis-backup-egress',
    ]);
  });

  test('staging: single instances have no peers; each dump job reaches its own database only', () => {
    const policies = policiesOf(files, 'staging');
    expect(
      policies
        .map((p) => p.metadata.name)
        .filter((n) => /^allow-(mongodb|postgresql|redis)/.test(n) && n.endsWith('-egress')),
    ).toEqual(['allow-mongodb-backup-egress', 'allow-postgresql-backup-egress', 'allow-redis-backup-egress']);
    expect(named(policies, 'allow-postgresql-backup-egress').spec.egress).toEqual([
      {
        to: [
          {
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/part-of': 'bazaar' },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
  });

  test('dev (allow-namespace) restricts no egress', () => {
    const names = policiesOf(files, 'dev').map((p) => p.metadata.name);
    expect(names).not.toContain('default-deny-egress');
    expect(names.filter((n) => n.endsWith('-egress'))).toEqual([]);
  });

  test('a pod with no connection gets only DNS; a single pooler reaches its database', () => {
    const policies = policiesOf(new Map(render(small(DatastoreTopology.SINGLE)).entries()), 'prod');
    const names = policies.map((p) => p.metadata.name);
    expect(names).not.toContain('allow-web-egress');
    expect(names.filter((n) => n.endsWith('-egress'))).toEqual([
      'default-deny-egress',
      'allow-dns-egress',
      'allow-api-egress',
      'allow-orders-pooler-egress',
      'allow-orders-backup-egress',
    ]);
    expect(named(policies, 'allow-api-egress').spec.egress).toEqual([
      {
        to: [
          {
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'orders-pooler', 'app.kubernetes.io/part-of': 'small' },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
  });

  test('the API server and the object store come from cluster.kubernetesApi and backup.objectStoreEndpoint', () => {
    const platform = small(
      DatastoreTopology.HA,
      { kubernetesApi: { cidr: '172.18.0.0/16', ports: [6443] } },
      { cidr: '10.20.0.0/16', port: 9000 },
    );
    const policies = policiesOf(new Map(render(platform).entries()), 'prod');
    const api = { to: [{ ipBlock: { cidr: '172.18.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6443 }] };
    expect(named(policies, 'allow-orders-egress').spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'orders' } } }] },
      api,
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 9000 }] },
    ]);
    // CloudNativePG's PgBouncer pods read their Pooler through the API server too.
    expect(named(policies, 'allow-orders-pooler-egress').spec).toEqual({
      podSelector: { matchLabels: { 'cnpg.io/poolerName': 'orders-pooler' } },
      policyTypes: ['Egress'],
      egress: [
        api,
        {
          to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'orders' } } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ],
    });
  });

  test('a service granted Jobs (JobGrant) reaches the API server; the others do not', () => {
    const platform = small(DatastoreTopology.SINGLE, { kubernetesApi: { cidr: '10.96.0.0/12', ports: [443] } });
    const web = platform.node.findChild('web') as Microservice;
    const template = new JobTemplate(testChart(), 'trainer', {
      namespace: 'training',
      image: 'small/trainer',
      resources: { cpu: '1', memory: '1Gi' },
    });
    new JobGrant(testChart(), 'grant', { template, service: web, serviceNamespace: 'small-prod' });
    const policies = policiesOf(new Map(render(platform).entries()), 'prod');
    expect(named(policies, 'allow-web-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.96.0.0/12' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(JSON.stringify(named(policies, 'allow-api-egress').spec.egress)).not.toContain('10.96.0.0/12');
  });

  test('fails when cluster.kubernetesApi.cidr is not a CIDR', () => {
    expect(() => small(DatastoreTopology.HA, { kubernetesApi: { cidr: '172.18.0.1', ports: [443] } })).toThrow(
      '[small] cluster.kubernetesApi.cidr must be an IPv4 CIDR such as 10.0.0.0/8 or 0.0.0.0/0, got "172.18.0.1"',
    );
  });

  test('fails when cluster.kubernetesApi.ports is empty', () => {
    expect(() => small(DatastoreTopology.HA, { kubernetesApi: { cidr: '0.0.0.0/0', ports: [] } })).toThrow(
      '[small] cluster.kubernetesApi.ports must be one or more TCP ports between 1 and 65535, got []',
    );
  });

  test('fails when backup objectStoreEndpoint.cidr is not a CIDR', () => {
    expect(() => small(DatastoreTopology.HA, undefined, { cidr: 's3.amazonaws.com' })).toThrow(
      'backup objectStoreEndpoint.cidr must be an IPv4 CIDR such as 10.0.0.0/8 or 0.0.0.0/0, got "s3.amazonaws.com"',
    );
  });
});

describe('network-egress check', () => {
  const root = tempDir();
  synthBazaar(root);
  const platform = bazaar(new App());
  const prod = platform.environments.get('prod');
  const expected: EgressExpectations = { env: 'prod', defaultDeny: true, clients: platformEgress(platform, prod) };
  const objects = kustomizeSync(path.join(root, 'overlays', 'prod'));
  const without = (name: string) => objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === name));
  const messages = (found: { object?: K8sObject; message: string }[]) =>
    found.map((f) => `${f.object ? `${f.object.kind}/${f.object.metadata.name}` : '-'}: ${f.message}`);

  test('the rendered prod overlay allows every connection the model knows', () => {
    expect(expected.clients.map((c) => c.name)).toContain('voting');
    expect(checkNetworkEgress(objects, expected)).toEqual([]);
  });

  test('fails when an allow is removed: voting cannot reach postgresql nor the collector', () => {
    expect(messages(checkNetworkEgress(without('allow-voting-egress'), expected))).toEqual([
      'Deployment/voting: voting cannot reach postgresql (pods cnpg.io/cluster=postgresql) on TCP 5432: no egress rule of a NetworkPolicy selecting its pods allows it',
      'Deployment/voting: voting cannot reach the OpenTelemetry collector (every pod in any namespace) on TCP 4317: no egress rule of a NetworkPolicy selecting its pods allows it',
    ]);
  });

  test('fails when DNS is not allowed, for every pod template and operator-managed pod', () => {
    const found = messages(checkNetworkEgress(without('allow-dns-egress'), expected));
    expect(found).toContain(
      'Deployment/catalogue: catalogue cannot reach the cluster DNS (pods k8s-app=kube-dns in namespace kube-system) on UDP 53: no egress rule of a NetworkPolicy selecting its pods allows it',
    );
    expect(found).toContain(
      'Cluster/postgresql: postgresql cannot reach the cluster DNS (pods k8s-app=kube-dns in namespace kube-system) on TCP 53: no egress rule of a NetworkPolicy selecting its pods allows it',
    );
  });

  test('fails when the operator pods lose the API server', () => {
    const narrowed = objects.map((o) =>
      o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-mongodb-egress'
        ? { ...o, spec: { ...(o.spec as object), egress: [(o.spec as any).egress[0]] } }
        : o,
    );
    expect(messages(checkNetworkEgress(narrowed, expected))).toEqual([
      'MongoDBCommunity/mongodb: mongodb cannot reach the Kubernetes API server (addresses 0.0.0.0/0) on TCP 443: no egress rule of a NetworkPolicy selecting its pods allows it',
      'MongoDBCommunity/mongodb: mongodb cannot reach the Kubernetes API server (addresses 0.0.0.0/0) on TCP 6443: no egress rule of a NetworkPolicy selecting its pods allows it',
    ]);
  });

  test('fails when no policy denies all egress', () => {
    expect(messages(checkNetworkEgress(without('default-deny-egress'), expected))).toEqual([
      '-: no NetworkPolicy denies all egress (podSelector {}, policyTypes [Egress], no egress rule), though environment prod is default-deny',
    ]);
  });

  test('an allow-namespace environment is not checked', () => {
    expect(checkNetworkEgress(without('default-deny-egress'), { ...expected, defaultDeny: false })).toEqual([]);
  });

  test('fails in the gate with the overlay and the object when a hand edit drops an allow', async () => {
    const file = path.join(root, 'overlays', 'prod', 'shared', 'network-policies.yaml');
    const docs = (yaml.loadAll(fs.readFileSync(file, 'utf8')) as Record<string, any>[]).filter(
      (p) => p.metadata.name !== 'allow-catalogue-egress',
    );
    fs.writeFileSync(file, docs.map((d) => yaml.dump(d)).join('---\n'));
    const result = await validate({ rootDir: root, platform, envs: ['prod'], cacheDir: false, parity: false });
    expect(result.findings.filter((f) => f.check === 'network-egress')).toEqual([
      {
        overlay: 'overlays/prod',
        object: 'Deployment/catalogue',
        check: 'network-egress',
        severity: 'error',
        message:
          'catalogue cannot reach mongodb (pods app=mongodb-svc) on TCP 27017: no egress rule of a NetworkPolicy selecting its pods allows it',
      },
      {
        overlay: 'overlays/prod',
        object: 'Deployment/catalogue',
        check: 'network-egress',
        severity: 'error',
        message:
          'catalogue cannot reach the OpenTelemetry collector (every pod in any namespace) on TCP 4317: no egress rule of a NetworkPolicy selecting its pods allows it',
      },
    ]);
  });
});
