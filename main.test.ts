// The tests of this repository's own platform: the entry every command uses without --app
// (cdk8s.yaml's app, main.ts). Everything asserted here is derived from the model, so it holds
// after any change to main.ts (README, Add a service / Add an environment); only the snapshot
// needs `npm test -- -u`, after reviewing its diff.
import * as fs from 'fs';
import * as path from 'path';
import { DatastoreTopology, Environment, Microservice, synth } from './lib';
import { hasErrors, validate } from './lib/gate/gate';
import { ImagePin, overlayKustomization, readImagePin } from './lib/kube/image-pin';
import { K8sObject } from './lib/kube/object';
import { renderOverlays } from './lib/kube/render-cache';
import { resolveAppEntry } from './lib/synth/app-entry';
import { loadApp } from './lib/synth/load-app';
import { layoutOf, render } from './lib/synth/render';
import { readTree, tempDir } from './test/support';
import { SECRET_STORE_DIR } from './lib/generators/secret-store';

const entry = resolveAppEntry({ cwd: __dirname });
const { platform, options } = loadApp(entry);
const layout = layoutOf(platform, options);
const table = platform.environments;
/** The services whose pods run in `env` (none where the table says `runServices: false`). */
const servicesIn = (env: Environment): Microservice[] => (env.runServices ? platform.services : []);
const withServices = table.environments.filter((env) => servicesIn(env).length > 0);

/** A fresh synth of the model into an empty tree, every file by path: what a new repository gets. */
const fresh = tempDir('main-');
const files = Object.fromEntries(synth(loadApp(entry).platform, { ...options, rootDir: fresh }).entries());

/** Renders `overlays/<env>` of every environment that runs services in `rootDir`, by environment. */
async function renderEnvironments(rootDir: string): Promise<Map<string, K8sObject[]>> {
  const dirs = withServices.map((env) => path.posix.join(layout.overlaysDir, env.name));
  const results = await renderOverlays(rootDir, dirs, { cacheDir: undefined });
  return new Map(
    results.map((r, i) => {
      if (r.error !== undefined) throw new Error(r.error);
      return [withServices[i].name, r.objects!];
    }),
  );
}

function find(objects: readonly K8sObject[], kind: string, name: string): any {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** `image:tag@digest` as Kustomize writes a pinned image. */
const pinned = (image: string, pin: ImagePin) =>
  `${image}${pin.newTag !== undefined ? `:${pin.newTag}` : ''}${pin.digest !== undefined ? `@${pin.digest}` : ''}`;

/**
 * What one service really gets in one environment, next to what the model says it should get
 * there (the table, the service's overrides, the pin its overlay holds): every invariant of an
 * environment x service cell, in one comparable object per cell.
 */
function cell(objects: readonly K8sObject[], env: Environment, service: Microservice, pin: ImagePin | undefined) {
  const settings = service.settingsFor(env);
  const deployment = find(objects, 'Deployment', service.name);
  const container = deployment?.spec.template.spec.containers.find((c: any) => c.name === service.name);
  const hpa = find(objects, 'HorizontalPodAutoscaler', service.name);
  const autoscale = settings.scaling.autoscale;
  const actual = {
    namespace: deployment?.metadata.namespace,
    labels: {
      environment: deployment?.metadata.labels?.environment,
      name: deployment?.metadata.labels?.['app.kubernetes.io/name'],
      partOf: deployment?.metadata.labels?.['app.kubernetes.io/part-of'],
    },
    replicas: deployment?.spec.replicas,
    hpa: hpa && {
      min: hpa.spec.minReplicas,
      max: hpa.spec.maxReplicas,
      target: hpa.spec.scaleTargetRef.name,
    },
    resources: container?.resources,
    variables: find(objects, 'ConfigMap', service.name)?.data ?? {},
    env: container?.env ?? [],
    image: container?.image,
    disruptionBudget: find(objects, 'PodDisruptionBudget', service.name) !== undefined,
  };
  const expected = {
    namespace: env.namespace,
    labels: { environment: env.name, name: service.name, partOf: platform.name },
    replicas: autoscale ? undefined : settings.scaling.replicas,
    hpa: autoscale && { min: autoscale.minReplicas, max: autoscale.maxReplicas, target: service.name },
    resources: settings.resources,
    variables: settings.variables,
    env: settings.connectionEnv,
    image: pin && pinned(service.image, pin),
    disruptionBudget: env.disruptionBudget,
  };
  return {
    actual: { cell: `${env.name}/${service.name}`, ...actual },
    expected: { cell: `${env.name}/${service.name}`, ...expected },
  };
}

describe(`${platform.name} platform`, () => {
  test('snapshot of every generated file (for review in PRs)', () => {
    expect(files).toMatchSnapshot();
  });

  test('writes a base per service and an overlay per environment and service, and nothing else there', () => {
    for (const service of platform.services)
      expect(files).toHaveProperty([`${layout.outdir}/${service.name}/kustomization.yaml`]);
    const own = new Set(['shared', ...platform.datastores.map((d) => d.name), ...platform.bundles.map((b) => b.name)]);
    // Prod's fenced ClusterSecretStore has a directory of its own, beside the services'.
    expect(Object.keys(files).filter((f) => f.includes(`/${SECRET_STORE_DIR}/`))).toEqual([
      `${layout.overlaysDir}/prod/${SECRET_STORE_DIR}/clustersecretstore.yaml`,
      `${layout.overlaysDir}/prod/${SECRET_STORE_DIR}/kustomization.yaml`,
    ]);
    own.add(SECRET_STORE_DIR);
    for (const env of table.environments) {
      const dirs = new Set(
        Object.keys(files)
          .filter((f) => f.startsWith(`${layout.overlaysDir}/${env.name}/`))
          .map((f) => f.split('/')[2])
          .filter((d) => !d.endsWith('.yaml')),
      );
      const services = servicesIn(env).map((s) => s.name);
      expect({ env: env.name, services: [...dirs].filter((d) => !own.has(d)).sort() }).toEqual({
        env: env.name,
        services: [...services].sort(),
      });
    }
  });

  test('bases hold no environment-specific values', () => {
    const namespaces = table.environments.map((e) => e.namespace);
    for (const service of platform.services) {
      const base = Object.entries(files).filter(([f]) => f.startsWith(`${layout.outdir}/${service.name}/`));
      expect(base.length).toBeGreaterThan(0);
      for (const [file, content] of base) {
        const namespace = /^\s*namespace: (\S+)$/m.exec(content)?.[1];
        expect({ file, namespace: namespaces.includes(namespace ?? '') ? namespace : undefined }).toEqual({
          file,
          namespace: undefined,
        });
        expect({ file, content }).toEqual({ file, content: expect.not.stringMatching(/replicas:|requests:|limits:/) });
        expect({ file, content }).toEqual({ file, content: expect.not.stringMatching(/\bnewTag:/) });
      }
    }
  });

  test('every environment x service renders with the namespace, scaling, resources and variables of the table, and its initial tag', async () => {
    const rendered = await renderEnvironments(fresh);
    for (const env of withServices) {
      for (const service of servicesIn(env)) {
        const { actual, expected } = cell(rendered.get(env.name)!, env, service, {
          newTag: env.initialImageTag ?? service.initialTag,
        });
        expect(actual).toEqual(expected);
      }
    }
  });

  test('a single-instance datastore runs an exporter on the port its PodMonitor scrapes exactly where it is scraped', async () => {
    const rendered = await renderEnvironments(fresh);
    for (const env of withServices) {
      const objects = rendered.get(env.name)!;
      for (const d of platform.datastores.filter((d) => d.topologyIn(env) === DatastoreTopology.SINGLE)) {
        const endpoint = d.metricsEndpointIn(env);
        const containers: any[] = find(objects, 'StatefulSet', d.name).spec.template.spec.containers;
        const metricsPorts = containers.flatMap((c) =>
          (c.ports ?? []).filter((p: any) => p.name === 'metrics').map((p: any) => p.containerPort),
        );
        const monitor = find(objects, 'PodMonitor', d.name);
        expect({
          cell: `${env.name}/${d.name}`,
          metricsPorts,
          scrapes: monitor?.spec.podMetricsEndpoints.map((e: any) => e.port),
        }).toEqual({
          cell: `${env.name}/${d.name}`,
          metricsPorts: endpoint ? [endpoint.port] : [],
          scrapes: endpoint ? ['metrics'] : undefined,
        });
      }
    }
  });

  test('no overlay pins latest where its environment does not allow it', () => {
    for (const env of withServices.filter((e) => !e.allowLatestTag)) {
      for (const service of servicesIn(env)) {
        const file = overlayKustomization(layout.overlaysDir, env.name, service.name);
        expect({ file, content: files[file] }).toEqual({
          file,
          content: expect.not.stringMatching(/newTag: latest$/m),
        });
      }
    }
  });
});

describe(`the committed tree of ${path.relative(__dirname, entry.file)}`, () => {
  const rootDir = options.rootDir;

  test('is what synth writes from the model (after a model change: npm run synth, and commit the result)', () => {
    const expected = new Map(
      render(loadApp(entry).platform, options, (file, image) =>
        readImagePin(path.join(rootDir, file), image),
      ).entries(),
    );
    const stale = [...expected]
      .filter(
        ([file, content]) =>
          !fs.existsSync(path.join(rootDir, file)) || fs.readFileSync(path.join(rootDir, file), 'utf8') !== content,
      )
      .map(([file]) => file);
    const owned = [layout.outdir, layout.overlaysDir, ...(platform.gitops ? [layout.argocdDir] : [])];
    const leftOver = owned
      .filter((dir) => fs.existsSync(path.join(rootDir, dir)))
      .flatMap((dir) => Object.keys(readTree(path.join(rootDir, dir))).map((f) => path.posix.join(dir, f)))
      .filter((file) => !expected.has(file));
    expect({ stale, leftOver }).toEqual({ stale: [], leftOver: [] });
  });

  test('every environment x service renders as the table says, with the tag its overlay pins', async () => {
    const rendered = await renderEnvironments(rootDir);
    for (const env of withServices) {
      for (const service of servicesIn(env)) {
        const file = path.join(rootDir, overlayKustomization(layout.overlaysDir, env.name, service.name));
        const { actual, expected } = cell(rendered.get(env.name)!, env, service, readImagePin(file, service.image));
        expect(actual).toEqual(expected);
      }
    }
  });

  test('passes the validation gate in every environment, the parity contract included', async () => {
    const result = await validate({ rootDir, overlaysDir: layout.overlaysDir, platform, cacheDir: false });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(hasErrors(result)).toBe(false);
    expect(result.summary.map((s) => s.env)).toEqual(expect.arrayContaining(table.names));
  });
});
