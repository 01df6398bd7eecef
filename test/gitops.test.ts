import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { parseAllDocuments, parse } from 'yaml';
import { EnvironmentTable, Microservice, Platform, Scaling } from '../lib';
import { checkCrossReferences } from '../lib/gate/cross-references';
import { podTemplateOf, selects } from '../lib/gate/pods';
import { manualSecrets } from '../lib/generators/shared-overlay';
import { kustomizeSync } from '../lib/kube/kubectl';
import { bazaar } from './fixtures/platforms/bazaar';
import { DNS_EGRESS_RULE, readTree, synthBazaar, tempDir } from './support';
import { K8sObject } from '../lib/kube/object';

const root = tempDir();
synthBazaar(root);
const rendered: Record<string, K8sObject[]> = Object.fromEntries(
  ['dev', 'staging', 'prod'].map((env) => [env, kustomizeSync(path.join(root, 'overlays', env))]),
);
const find = (env: string, kind: string, name: string): any => {
  const o = rendered[env].find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${env}`);
  return o;
};
const kinds = (env: string, kind: string) => rendered[env].filter((o) => o.kind === kind) as any[];
const envOf = (env: string, deployment: string) =>
  find(env, 'Deployment', deployment).spec.template.spec.containers[0].env;

describe('namespaces, pod security, quotas', () => {
  test.each([
    ['dev', 'baseline', 'restricted'],
    ['staging', 'restricted', 'restricted'],
    ['prod', 'restricted', 'restricted'],
  ])('%s namespace enforces %s and warns %s', (env, enforce, warn) => {
    expect(find(env, 'Namespace', `bazaar-${env}`).metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': enforce,
      'pod-security.kubernetes.io/warn': warn,
      environment: env,
    });
  });

  test('the quota covers the model at full scale with 25% headroom, and the limit range defaults to the table', () => {
    expect(find('dev', 'ResourceQuota', 'platform-quota').spec.hard).toEqual({
      'limits.cpu': '2',
      'limits.memory': '2304Mi',
      persistentvolumeclaims: '4',
      pods: '14',
      'requests.cpu': '2',
      'requests.memory': '2304Mi',
      'requests.storage': '3840Mi',
    });
    expect(find('prod', 'LimitRange', 'platform-limits').spec.limits[0]).toEqual({
      type: 'Container',
      default: { cpu: '500m', memory: '512Mi' },
      defaultRequest: { cpu: '500m', memory: '512Mi' },
      max: { cpu: '1', memory: '1Gi' },
    });
    expect(find('staging', 'LimitRange', 'platform-limits').spec.limits[0].defaultRequest).toEqual({
      cpu: '200m',
      memory: '256Mi',
    });
  });
});

describe('network policies', () => {
  test('dev allows traffic within the namespace and from the ingress controller', () => {
    expect(kinds('dev', 'NetworkPolicy').map((p) => p.metadata.name)).toEqual([
      'allow-ingress-controller-to-catalogue',
      'allow-ingress-controller-to-frontend',
      'allow-ingress-controller-to-recommendation',
      'allow-ingress-controller-to-voting',
      'allow-prometheus-to-catalogue',
      'allow-prometheus-to-recommendation',
      'allow-prometheus-to-voting',
      'allow-same-namespace',
    ]);
    // Prometheus, in its own namespace, reaches each scraped service's metrics port only.
    expect(find('dev', 'NetworkPolicy', 'allow-prometheus-to-voting').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'voting', 'app.kubernetes.io/part-of': 'bazaar' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
  });

  test.each(['staging', 'prod'])(
    '%s denies ingress and egress by default, allows DNS to every pod and one policy per real edge',
    (env) => {
      const names = kinds(env, 'NetworkPolicy').map((p) => p.metadata.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'default-deny-ingress',
          'default-deny-egress',
          'allow-dns-egress',
          'allow-ingress-controller-to-frontend',
          'allow-frontend-to-catalogue',
          'allow-frontend-to-voting',
          'allow-frontend-to-recommendation',
          'allow-catalogue-to-mongodb',
          'allow-voting-to-postgresql',
          'allow-recommendation-to-redis',
          'allow-mongodb-backup-to-mongodb',
          'allow-frontend-egress',
          'allow-mongodb-backup-egress',
        ]),
      );
      expect(find(env, 'NetworkPolicy', 'default-deny-ingress').spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress'],
      });
      const edge = find(env, 'NetworkPolicy', 'allow-frontend-to-catalogue').spec;
      expect(edge.podSelector.matchLabels['app.kubernetes.io/name']).toBe('catalogue');
      expect(edge.ingress).toEqual([
        {
          from: [
            {
              podSelector: {
                matchLabels: { 'app.kubernetes.io/name': 'frontend', 'app.kubernetes.io/part-of': 'bazaar' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 5000 }],
        },
      ]);
      expect(find(env, 'NetworkPolicy', 'default-deny-egress').spec).toEqual({
        podSelector: {},
        policyTypes: ['Egress'],
      });
      expect(find(env, 'NetworkPolicy', 'allow-dns-egress').spec.egress).toEqual([DNS_EGRESS_RULE]);
      const egress = find(env, 'NetworkPolicy', 'allow-frontend-egress').spec.egress;
      // the three services, then the OpenTelemetry collector's OTLP port (tracing is on in both); DNS is allow-dns-egress's
      expect(egress.map((e: any) => e.ports[0].port)).toEqual([5000, 8080, 8080, 4317]);
      expect(egress[3]).toEqual({ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 4317 }] });
    },
  );

  test.each(['dev', 'staging', 'prod'])(
    'every NetworkPolicy selector in %s matches rendered pods, or names the operator that creates them',
    (env) => {
      const findings = checkCrossReferences(rendered[env]).filter((f) => f.check === 'network-policy-selector');
      for (const f of findings) {
        const reason = f.object?.metadata.annotations?.['stagecraft.dev/waive.network-policy-selector'];
        if (reason === 'pods are created by cert-manager for ACME HTTP-01 challenges') {
          // Only where an ACME issuer exists to create those solver pods.
          expect(kinds(env, 'Issuer').some((i) => i.spec.acme)).toBe(true);
          continue;
        }
        expect([f.object?.metadata.name, reason]).toEqual([
          f.object?.metadata.name,
          expect.stringMatching(/^pods are created by the .+ \((MongoDBCommunity|Cluster|RedisFailover)\/\w+\)$/),
        ]);
        const [, kind, name] = /\((\w+)\/(\w+)\)$/.exec(reason!)!;
        expect(find(env, kind, name)).toBeDefined();
      }
      if (env === 'dev') expect(findings).toEqual([]);
      const pods = rendered[env].map(podTemplateOf).filter((p) => p !== undefined);
      for (const policy of kinds(env, 'NetworkPolicy').filter(
        (p) => !p.metadata.annotations?.['stagecraft.dev/waive.network-policy-selector'],
      )) {
        if (Object.keys(policy.spec.podSelector).length > 0)
          expect(pods.some((p) => selects(policy.spec.podSelector, p!.labels))).toBe(true);
      }
    },
  );
});

describe('ingress and TLS', () => {
  const rules = (env: string): string[] =>
    kinds(env, 'Ingress')
      .flatMap((i: any) =>
        i.spec.rules.flatMap((r: any) =>
          r.http.paths.map((p: any) => `${i.metadata.name}: ${r.host}${p.path} -> ${p.backend.service.name}`),
        ),
      )
      .sort();

  test('dev and staging serve / and /api/<service> on one host; prod splits bazaar.example.com and api.bazaar.example.com', () => {
    expect(rules('dev')).toEqual([
      'bazaar-api: dev.bazaar.local/api/catalogue(/|$)(.*) -> catalogue',
      'bazaar-api: dev.bazaar.local/api/recommendation(/|$)(.*) -> recommendation',
      'bazaar-api: dev.bazaar.local/api/voting(/|$)(.*) -> voting',
      'bazaar: dev.bazaar.local/ -> frontend',
    ]);
    expect(rules('staging')).toEqual(
      rules('dev').map((r) => r.replace('dev.bazaar.local', 'staging.bazaar.example.com')),
    );
    expect(rules('prod')).toEqual([
      'bazaar-api: api.bazaar.example.com/catalogue(/|$)(.*) -> catalogue',
      'bazaar-api: api.bazaar.example.com/recommendation(/|$)(.*) -> recommendation',
      'bazaar-api: api.bazaar.example.com/voting(/|$)(.*) -> voting',
      'bazaar: bazaar.example.com/ -> frontend',
    ]);
    // The API prefix is stripped: /api/catalogue/products reaches catalogue as /products.
    expect(find('dev', 'Ingress', 'bazaar-api').metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/rewrite-target': '/$2',
      'nginx.ingress.kubernetes.io/use-regex': 'true',
    });
  });

  test('dev uses a self-signed issuer, staging the ACME staging server, prod a commercial certificate secret', () => {
    expect(find('dev', 'Issuer', 'bazaar-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(find('dev', 'Certificate', 'bazaar-tls').spec).toMatchObject({
      secretName: 'bazaar-tls',
      dnsNames: ['dev.bazaar.local'],
    });
    expect(find('staging', 'Issuer', 'bazaar-acme').spec.acme.server).toBe(
      'https://acme-staging-v02.api.letsencrypt.org/directory',
    );
    expect(find('staging', 'Ingress', 'bazaar').spec.tls).toEqual([
      { hosts: ['staging.bazaar.example.com'], secretName: 'bazaar-tls' },
    ]);
    expect(kinds('prod', 'Certificate')).toEqual([]);
    expect(find('prod', 'Ingress', 'bazaar').spec.tls).toEqual([
      { hosts: ['bazaar.example.com'], secretName: 'bazaar-example-com-tls' },
    ]);
    expect(find('prod', 'Ingress', 'bazaar-api').spec.tls).toEqual([
      { hosts: ['api.bazaar.example.com'], secretName: 'bazaar-example-com-tls' },
    ]);
    expect(find('staging', 'NetworkPolicy', 'allow-ingress-controller-to-acme-solver').spec.podSelector).toEqual({
      matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' },
    });
    expect(find('prod', 'ExternalSecret', 'bazaar-example-com-tls').spec.target).toEqual({
      name: 'bazaar-example-com-tls',
      creationPolicy: 'Owner',
      template: { type: 'kubernetes.io/tls' },
    });
  });
});

describe('datastores', () => {
  test.each(['dev', 'staging'])('%s runs single-instance StatefulSets with volumes', (env) => {
    expect(kinds(env, 'StatefulSet').map((s) => [s.metadata.name, s.spec.replicas])).toEqual([
      ['mongodb', 1],
      ['postgresql', 1],
      ['redis', 1],
    ]);
  });

  test('prod runs a Mongo replica set of 3, a PostgreSQL HA cluster and a Redis Sentinel of 3', () => {
    expect(kinds('prod', 'StatefulSet')).toEqual([]);
    expect(find('prod', 'MongoDBCommunity', 'mongodb').spec).toMatchObject({ members: 3, type: 'ReplicaSet' });
    // The StatefulSet override carries prod's scheduling: the members spread across nodes.
    const pod = find('prod', 'MongoDBCommunity', 'mongodb').spec.statefulSet.spec.template.spec;
    expect(pod.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { app: 'mongodb-svc' } },
    });
    expect(pod.containers.map((c: { imagePullPolicy: string }) => c.imagePullPolicy)).toEqual(['Always', 'Always']);
    // The operator (mongodb-kubernetes 1.10.0) runs the members as ServiceAccount mongodb-kubernetes-appdb.
    expect(find('prod', 'ServiceAccount', 'mongodb-kubernetes-appdb').metadata.name).toBe('mongodb-kubernetes-appdb');
    expect(find('prod', 'RoleBinding', 'mongodb-kubernetes-appdb')).toMatchObject({
      roleRef: { kind: 'Role', name: 'mongodb-kubernetes-appdb' },
      subjects: [{ kind: 'ServiceAccount', name: 'mongodb-kubernetes-appdb' }],
    });
    expect(kinds('prod', 'ServiceAccount').map((a) => a.metadata.name)).not.toContain('mongodb-database');
    expect(find('prod', 'Cluster', 'postgresql').spec).toMatchObject({ instances: 3, storage: { size: '20Gi' } });
    expect(find('prod', 'RedisFailover', 'redis').spec).toMatchObject({
      sentinel: { replicas: 3 },
      redis: { replicas: 3 },
    });
  });

  test('backups: none in dev, daily with 7 days retention in staging, hourly with 30 days in prod', () => {
    expect(kinds('dev', 'CronJob')).toEqual([]);
    const staging = kinds('staging', 'CronJob');
    expect(staging.map((c) => [c.metadata.name, c.spec.schedule])).toEqual([
      ['mongodb-backup', '0 3 * * *'],
      ['postgresql-backup', '0 3 * * *'],
      ['redis-backup', '0 3 * * *'],
    ]);
    for (const c of staging)
      expect(c.spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain('-mtime +7 -delete');
    const prod = kinds('prod', 'CronJob');
    expect(prod.map((c) => [c.metadata.name, c.spec.schedule])).toEqual([
      ['mongodb-backup', '0 * * * *'],
      ['redis-backup', '0 * * * *'],
    ]);
    for (const c of prod)
      expect(c.spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain('-mtime +30 -delete');
    expect(find('prod', 'ScheduledBackup', 'postgresql-scheduled').spec.schedule).toBe('0 0 * * * *');
    expect(find('prod', 'Cluster', 'postgresql').spec.backup.retentionPolicy).toBe('30d');
  });

  test('services get connection settings from the model, passwords only by Secret reference', () => {
    expect(envOf('dev', 'catalogue')).toEqual([
      { name: 'MONGODB_USERNAME', valueFrom: { secretKeyRef: { name: 'mongodb-credentials', key: 'username' } } },
      { name: 'MONGODB_PASSWORD', valueFrom: { secretKeyRef: { name: 'mongodb-credentials', key: 'password' } } },
      {
        name: 'MONGO_URI',
        value: 'mongodb://$(MONGODB_USERNAME):$(MONGODB_PASSWORD)@mongodb:27017/bazaar?authSource=admin',
      },
    ]);
    expect(envOf('prod', 'catalogue')).toEqual([
      {
        name: 'MONGO_URI',
        valueFrom: { secretKeyRef: { name: 'mongodb-admin-bazaar', key: 'connectionString.standard' } },
      },
    ]);
    expect(envOf('prod', 'voting').find((e: any) => e.name === 'DATABASE_URL').value).toBe(
      'postgresql://$(POSTGRESQL_USERNAME):$(POSTGRESQL_PASSWORD)@postgresql-rw:5432/bazaar',
    );
    expect(envOf('prod', 'recommendation').find((e: any) => e.name === 'REDIS_URL').value).toBe(
      'redis+sentinel://:$(REDIS_PASSWORD)@rfs-redis:26379/mymaster/0',
    );
  });

  test('prod secrets come from ExternalSecrets; no Secret with data is ever generated', () => {
    expect(kinds('prod', 'ExternalSecret').map((e) => e.metadata.name)).toEqual([
      'bazaar-example-com-tls',
      'mongodb-credentials',
      'mongodb-metrics',
      'postgresql-backup-credentials',
      'postgresql-credentials',
      'redis-credentials',
    ]);
    expect(kinds('dev', 'ExternalSecret')).toEqual([]);
    for (const [file, text] of Object.entries(readTree(root))) {
      if (!file.endsWith('.yaml')) continue;
      for (const doc of parseAllDocuments(text)) {
        const o = doc.toJS();
        if (o?.kind === 'Secret')
          expect({ file, data: o.data, stringData: o.stringData }).toEqual({
            file,
            data: undefined,
            stringData: undefined,
          });
      }
    }
  });
});

describe('Argo CD', () => {
  const argo = (file: string) => parse(fs.readFileSync(path.join(root, 'argocd', file), 'utf8'));

  test('one Application per environment and service, labelled, automated, with retry', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      for (const service of ['catalogue', 'frontend', 'recommendation', 'voting']) {
        const app = argo(`apps/${env}/${service}.yaml`);
        new Application(app).validate();
        expect(app.metadata).toMatchObject({
          name: `bazaar-${env}-${service}`,
          namespace: 'argocd',
          labels: { environment: env, service },
        });
        expect(app.spec.source).toEqual({
          repoURL: 'https://github.com/example/bazaar-gitops.git',
          targetRevision: 'main',
          path: `overlays/${env}/${service}`,
        });
        expect(app.spec.destination.namespace).toBe(`bazaar-${env}`);
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
        expect(app.spec.syncPolicy.retry).toEqual({
          limit: 5,
          backoff: { duration: '10s', factor: 2, maxDuration: '5m' },
        });
        expect(fs.existsSync(path.join(root, app.spec.source.path, 'kustomization.yaml'))).toBe(true);
      }
    }
  });

  test('the shared Application syncs in an earlier wave than the services', () => {
    const shared = argo('apps/prod/shared.yaml');
    new Application(shared).validate();
    expect(shared.spec.source.path).toBe('overlays/prod/shared');
    expect(Number(shared.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(
      Number(argo('apps/prod/voting.yaml').metadata.annotations['argocd.argoproj.io/sync-wave']),
    );
    expect(find('prod', 'Namespace', 'bazaar-prod').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
  });

  test('each environment has its own AppProject: this repo, its namespace on its cluster, its Namespace, its window', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const project = argo(`apps/${env}/project.yaml`);
      new AppProject(project).validate();
      expect(project.metadata.name).toBe(`bazaar-${env}`);
      expect(project.spec.sourceRepos).toEqual(['https://github.com/example/bazaar-gitops.git']);
      expect(project.spec.destinations).toEqual([
        { server: 'https://kubernetes.default.svc', namespace: `bazaar-${env}` },
      ]);
      expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: `bazaar-${env}` }]);
      expect(argo(`apps/${env}/voting.yaml`).spec.project).toBe(`bazaar-${env}`);
    }
    expect(argo('apps/dev/project.yaml').spec.syncWindows).toBeUndefined();
    expect(argo('apps/prod/project.yaml').spec.syncWindows).toEqual([
      {
        kind: 'allow',
        schedule: '0 9 * * 1-5',
        duration: '8h',
        applications: ['bazaar-prod-*'],
        manualSync: true,
        timeZone: 'UTC',
      },
    ]);
  });

  test('bootstrap.yaml is an app-of-apps over argocd/apps', () => {
    const bootstrap = argo('bootstrap.yaml');
    new Application(bootstrap).validate();
    expect(bootstrap.spec.source).toMatchObject({ path: 'argocd/apps', directory: { recurse: true } });
    expect(bootstrap.spec.destination.namespace).toBe('argocd');
  });
});

test('fails when a service takes a reserved name', () => {
  const platform = new Platform(new App(), 'shop', {
    environments: new EnvironmentTable([
      { name: 'dev', namespace: 'x', scaling: Scaling.fixed(1), resources: { cpu: '1', memory: '1Gi' } },
    ]),
  });
  new Microservice(platform, 'shared', { image: 'x/shared', port: 80, initialTag: '1.0.0' });
  expect(() => platform.validate()).toThrow(
    `[shop/shared] name "shared" is reserved for the platform's own overlay; choose another`,
  );
});

test('the model names every secret that must exist before the first sync in manual environments', () => {
  const platform = bazaar(new App());
  expect(manualSecrets(platform, platform.environments.get('staging'))).toEqual([
    'mongodb-credentials',
    'postgresql-credentials',
    'redis-credentials',
  ]);
  expect(manualSecrets(platform, platform.environments.get('prod'))).toEqual([]);
  expect(platform.environments.get('prod').secrets.external?.storeName).toBe('bazaar-vault');
});
