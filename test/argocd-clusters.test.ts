import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { parse } from 'yaml';
import { ArgoCdObjects, EnvironmentTable, Microservice, Platform, Scaling, synth } from '../lib';
import { kustomizeSync } from '../lib/kube/kubectl';
import { K8sObject } from '../lib/kube/object';
import { fleet } from './fixtures/platforms/fleet';
import { tempDir } from './support';

const root = tempDir();
// Applications here; the default for a fleet (ApplicationSets) is asserted below.
synth(fleet(new App(), ArgoCdObjects.APPLICATIONS), { rootDir: root, outdir: 'dist' });
const read = (file: string): any => parse(fs.readFileSync(path.join(root, file), 'utf8'));
const exists = (file: string) => fs.existsSync(path.join(root, file));

/** Argo CD's glob (filepath.Match) for the patterns a project may hold: `*` within a segment. */
const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(value);

/**
 * Whether `project` lets `app` deploy `objects`, as Argo CD decides it: the destination must
 * match one of the project's (cluster by name or server, and namespace), and every
 * cluster-scoped object must match the cluster resource whitelist (group, kind and, when set,
 * name). Returns the refusal, or undefined.
 */
function refusal(project: any, app: any, objects: K8sObject[] = []): string | undefined {
  const dest = app.spec.destination;
  if (app.spec.project !== project.metadata.name) return `application is in project ${app.spec.project}`;
  const allowed = project.spec.destinations.some((d: any) =>
    (d.server !== undefined ? dest.server !== undefined && glob(d.server, dest.server) : false) ||
    (d.name !== undefined ? dest.name !== undefined && glob(d.name, dest.name) : false)
      ? glob(d.namespace, dest.namespace)
      : false,
  );
  if (!allowed) return `destination ${JSON.stringify(dest)} is not permitted`;
  for (const o of objects.filter((x) => x.kind === 'Namespace')) {
    const ok = project.spec.clusterResourceWhitelist.some(
      (w: any) => w.group === '' && w.kind === 'Namespace' && (w.name === undefined || glob(w.name, o.metadata.name)),
    );
    if (!ok) return `cluster-scoped Namespace/${o.metadata.name} is not permitted`;
  }
  return undefined;
}

describe('one AppProject per environment', () => {
  const projects = Object.fromEntries(
    ['dev', 'staging', 'prod'].map((env) => [env, read(`argocd/apps/${env}/project.yaml`)]),
  );

  test('destinations are only the environment namespace on its own clusters; Namespace only its own', () => {
    for (const project of Object.values(projects)) new AppProject(project).validate();
    expect(projects.dev.spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'fleet-dev' },
    ]);
    expect(projects.staging.spec.destinations).toEqual([{ name: 'staging', namespace: 'fleet-staging' }]);
    expect(projects.prod.spec.destinations).toEqual([
      { name: 'prod-eu', namespace: 'fleet-prod' },
      { name: 'prod-us', namespace: 'fleet-prod' },
    ]);
    expect(projects.prod.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'fleet-prod' }]);
    expect(projects.prod.spec.syncWindows[0].applications).toEqual(['fleet-prod-*']);
    expect(projects.dev.spec.syncWindows).toBeUndefined();
  });

  test('every Application is in its environment project, which permits it', () => {
    for (const [env, file] of [
      ['dev', 'argocd/apps/dev/api.yaml'],
      ['staging', 'argocd/apps/staging/web.yaml'],
      ['prod', 'argocd/apps/prod/prod-eu/api.yaml'],
      ['prod', 'argocd/apps/prod/prod-us/shared.yaml'],
    ]) {
      const app = read(file);
      new Application(app).validate();
      expect(app.spec.project).toBe(`fleet-${env}`);
      expect(refusal(projects[env], app, kustomizeSync(path.join(root, app.spec.source.path)))).toBeUndefined();
    }
  });

  test('a dev Application cannot target prod: not its namespace, not its clusters, not its Namespace object', () => {
    const dev = read('argocd/apps/dev/api.yaml');
    const prodNamespace = kustomizeSync(path.join(root, 'overlays/prod/clusters/prod-eu/shared')).filter(
      (o) => o.kind === 'Namespace',
    );
    const retarget = (destination: object) => ({ ...dev, spec: { ...dev.spec, destination } });
    expect(refusal(projects.dev, retarget({ server: 'https://kubernetes.default.svc', namespace: 'fleet-prod' }))).toBe(
      'destination {"server":"https://kubernetes.default.svc","namespace":"fleet-prod"} is not permitted',
    );
    expect(refusal(projects.dev, retarget({ name: 'prod-eu', namespace: 'fleet-prod' }))).toBe(
      'destination {"name":"prod-eu","namespace":"fleet-prod"} is not permitted',
    );
    expect(refusal(projects.dev, retarget({ name: 'prod-eu', namespace: 'fleet-dev' }))).toBe(
      'destination {"name":"prod-eu","namespace":"fleet-dev"} is not permitted',
    );
    // Its own destination, but carrying prod's Namespace (the object a shared overlay syncs).
    expect(refusal(projects.dev, dev, prodNamespace)).toBe('cluster-scoped Namespace/fleet-prod is not permitted');
    // Moving it into the prod project is not the dev project's to allow: prod's project refuses its cluster.
    expect(refusal(projects.prod, { ...dev, spec: { ...dev.spec, project: 'fleet-prod' } })).toBe(
      'destination {"server":"https://kubernetes.default.svc","namespace":"fleet-dev"} is not permitted',
    );
  });
});

describe('environments on their own clusters', () => {
  test('an environment on one named cluster keeps its overlay layout and targets the cluster by name', () => {
    const app = read('argocd/apps/staging/api.yaml');
    expect(app.metadata.name).toBe('fleet-staging-api');
    expect(app.metadata.labels).toMatchObject({ environment: 'staging', cluster: 'staging', service: 'api' });
    expect(app.spec.destination).toEqual({ name: 'staging', namespace: 'fleet-staging' });
    expect(app.spec.source.path).toBe('overlays/staging/api');
    expect(exists('overlays/staging/clusters')).toBe(false);
  });

  test('one Application per cluster x service of a multi-cluster environment, each on its cluster overlay', () => {
    for (const cluster of ['prod-eu', 'prod-us']) {
      for (const service of ['api', 'web', 'shared']) {
        const app = read(`argocd/apps/prod/${cluster}/${service}.yaml`);
        expect(app.metadata.name).toBe(`fleet-prod-${cluster}-${service}`);
        expect(app.metadata.labels).toMatchObject({ environment: 'prod', cluster, service });
        expect(app.spec.destination).toEqual({ name: cluster, namespace: 'fleet-prod' });
        expect(app.spec.source.path).toBe(`overlays/prod/clusters/${cluster}/${service}`);
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      }
    }
    expect(exists('argocd/apps/prod/api.yaml')).toBe(false);
  });

  test('each cluster renders its region, hosts, scaling, resources and database endpoint over the environment pin', () => {
    const objects = (cluster: string) => kustomizeSync(path.join(root, `overlays/prod/clusters/${cluster}`));
    const find = (os: K8sObject[], kind: string, name: string): any =>
      os.find((o) => o.kind === kind && o.metadata.name === name);
    const eu = objects('prod-eu');
    const us = objects('prod-us');
    for (const [os, region, host, db, min, max, cpu] of [
      [eu, 'eu-west-1', 'eu.fleet.example.com', 'db.eu.example.com', 2, 6, '500m'],
      [us, 'us-east-1', 'us.fleet.example.com', 'db.us.example.com', 3, 12, '1'],
    ] as [K8sObject[], string, string, string, number, number, string][]) {
      expect(os.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'fleet-prod')).toBe(true);
      expect(find(os, 'ConfigMap', 'api').data).toMatchObject({ REGION: region, LOG_LEVEL: 'WARN' });
      expect(find(os, 'Ingress', 'fleet-api').spec.rules.map((r: any) => r.host)).toEqual([host]);
      expect(find(os, 'HorizontalPodAutoscaler', 'api').spec).toMatchObject({ minReplicas: min, maxReplicas: max });
      const container = find(os, 'Deployment', 'api').spec.template.spec.containers[0];
      expect(container.image).toBe('fleet/api:1.0.0');
      expect(container.resources.requests.cpu).toBe(cpu);
      expect(container.env.find((e: any) => e.name === 'DATABASE_URL').value).toContain(`@${db}:5432/fleet`);
    }
    const hash = (os: K8sObject[]) =>
      find(os, 'Deployment', 'api').spec.template.metadata.annotations['stagecraft.dev/config-hash'];
    expect(hash(eu)).not.toBe(hash(us));
    // The environment's own overlay holds the pin the clusters share, and no cluster value.
    expect(read('overlays/prod/api/kustomization.yaml').images).toEqual([{ name: 'fleet/api', newTag: '1.0.0' }]);
    expect(read('overlays/prod/clusters/prod-eu/api/kustomization.yaml')).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../../../api'],
      patches: [{ path: 'configmap-patch.yaml' }, { path: 'deployment-patch.yaml' }, { path: 'hpa.yaml' }],
    });
  });

  test('a cluster with credentials joins Argo CD by an ExternalSecret that writes its cluster Secret', () => {
    expect(read('argocd/apps/prod/clusters/prod-eu.yaml')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: {
        name: 'cluster-prod-eu',
        namespace: 'argocd',
        labels: { 'app.kubernetes.io/part-of': 'fleet' },
        annotations: { 'argocd.argoproj.io/sync-wave': '-3' },
      },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
        target: {
          name: 'cluster-prod-eu',
          creationPolicy: 'Owner',
          template: {
            metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', 'app.kubernetes.io/part-of': 'fleet' } },
            data: { name: 'prod-eu', server: 'https://eu.k8s.example.com', config: '{{ .config }}' },
          },
        },
        data: [{ secretKey: 'config', remoteRef: { key: 'argocd/clusters/prod-eu' } }],
      },
    });
    // prod-us names no credentials: it is registered by hand, nothing is generated.
    expect(exists('argocd/apps/prod/clusters/prod-us.yaml')).toBe(false);
  });

  test('ApplicationSets (the default where an environment spans clusters): one per environment, one element per cluster x service', () => {
    const dir = tempDir();
    synth(fleet(new App()), { rootDir: dir, outdir: 'dist' });
    const set = parse(fs.readFileSync(path.join(dir, 'argocd/apps/prod/services.yaml'), 'utf8'));
    new ApplicationSet(set).validate();
    expect(set.metadata.name).toBe('fleet-prod-services');
    expect(set.spec.generators[0].list.elements).toEqual(
      ['prod-eu', 'prod-us'].flatMap((cluster) =>
        ['api', 'web'].map((service) => ({
          name: `fleet-prod-${cluster}-${service}`,
          service,
          cluster,
          path: `overlays/prod/clusters/${cluster}/${service}`,
          destinationName: cluster,
          destinationServer: '',
        })),
      ),
    );
    expect(set.spec.template.spec).toMatchObject({
      project: 'fleet-prod',
      source: { path: '{{ .path }}' },
      destination: { name: '{{ .destinationName }}', namespace: 'fleet-prod' },
    });
    expect(fs.existsSync(path.join(dir, 'argocd/apps/prod/prod-eu/shared.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'argocd/apps/prod/prod-eu/api.yaml'))).toBe(false);
    const dev = parse(fs.readFileSync(path.join(dir, 'argocd/apps/dev/services.yaml'), 'utf8'));
    expect(dev.spec.template.spec.destination).toEqual({ server: '{{ .destinationServer }}', namespace: 'fleet-dev' });
  });
});

describe('the table refuses clusters it cannot deploy', () => {
  const row = { namespace: 'x', scaling: Scaling.fixed(1), resources: { cpu: '1', memory: '1Gi' } };

  test('fails when one cluster serves two environments', () => {
    expect(
      () =>
        new EnvironmentTable([
          { ...row, name: 'staging', clusters: [{ name: 'shared' }] },
          { ...row, name: 'prod', namespace: 'y', clusters: [{ name: 'shared' }] },
        ]),
    ).toThrow(
      '[environments/prod/clusters/shared] cluster "shared" already belongs to staging: an Argo CD cluster serves one environment, so its AppProject fences it',
    );
  });

  test('fails when a cluster changes the kind of scaling', () => {
    expect(
      () =>
        new EnvironmentTable([
          {
            ...row,
            name: 'prod',
            clusters: [{ name: 'a' }, { name: 'b', scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 4 }) }],
          },
        ]),
    ).toThrow("[environments/prod/clusters/b] scaling must be fixed like the environment's, got autoscaled");
  });

  test('fails when credentials have no server, or a server is not https', () => {
    expect(
      () =>
        new EnvironmentTable([
          { ...row, name: 'prod', clusters: [{ name: 'a', credentials: { storeName: 's', key: 'k' } }] },
        ]),
    ).toThrow(
      '[environments/prod/clusters/a] credentials need a server: the cluster Secret registers the server under the name; set server, or remove credentials',
    );
    expect(
      () => new EnvironmentTable([{ ...row, name: 'prod', clusters: [{ name: 'a', server: 'http://a' }] }]),
    ).toThrow('[environments/prod/clusters/a] server must be an https:// URL, got "http://a"');
  });

  test('fails when two clusters of an environment share a name, or a name is not a DNS label', () => {
    expect(() => new EnvironmentTable([{ ...row, name: 'prod', clusters: [{ name: 'a' }, { name: 'a' }] }])).toThrow(
      '[environments/prod] duplicate cluster name "a": names must be unique',
    );
    expect(() => new EnvironmentTable([{ ...row, name: 'prod', clusters: [{ name: 'EU' }] }])).toThrow(
      /^\[environments\/prod\/clusters\/EU\] cluster name/,
    );
  });

  test('fails when a service is called clusters', () => {
    const platform = new Platform(new App(), 'p', { environments: new EnvironmentTable([{ ...row, name: 'dev' }]) });
    new Microservice(platform, 'clusters', { image: 'p/clusters', port: 80, initialTag: '1.0.0' });
    expect(() => platform.validate()).toThrow(
      `[p/clusters] name "clusters" is reserved for the platform's own overlay; choose another`,
    );
  });
});
