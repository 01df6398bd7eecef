import * as path from 'path';
import { toYaml } from '../core/yaml';
import { ArgoCdObjects } from '../model/gitops';
import { applicationSet } from './argocd-applicationset';
import { clusterSecret } from './argocd-cluster-secret';
import { appProject, destinationOf, projectName } from './argocd-project';
import { Generator } from './generator';
import { Placement } from './placement';
import { SECRET_STORE_DIR } from './secret-store';
import { argoCdSettings, ArgoCdSettings, placementKey, placementLabels, RETRY, syncPolicy } from './argocd-settings';

/** Sync wave of the shared objects (namespace, policies, datastores). */
const SHARED_WAVE = '-1';
/** Sync wave of the services. */
const SERVICES_WAVE = '0';

/** One Application syncing overlay directory `sourcePath` into the placement's cluster. */
function application(
  settings: ArgoCdSettings,
  placement: Placement,
  name: string,
  sourcePath: string,
  wave: string,
  service: string,
  namespace = placement.env.namespace,
): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: settings.argocdNamespace,
      labels: { ...placementLabels(settings, placement), service },
      annotations: { 'argocd.argoproj.io/sync-wave': wave },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: projectName(settings.platform, placement.env),
      source: { repoURL: settings.repoURL, targetRevision: settings.revision, path: sourcePath },
      destination: { ...destinationOf(placement, settings.defaultServer), namespace },
      syncPolicy: syncPolicy(placement.env),
      revisionHistoryLimit: 10,
    },
  };
}

/**
 * `argocd/`: `bootstrap.yaml` (the app-of-apps, the only manual `kubectl apply`) and under
 * `apps/<env>/` the environment's AppProject, the cluster Secrets the table can generate, and per
 * cluster the shared Application plus the services' Applications (or one ApplicationSet).
 */
export const argoCd: Generator = (view, files) => {
  if (!view.gitops) return;
  const settings = argoCdSettings(view.name, view.gitops);
  // Measured at 200 x 5 x 3 (README, Performance): per-cluster Applications multiply files and
  // diffs by the clusters, so a fleet gets ApplicationSets; one cluster per environment keeps the
  // Applications it always had (switching kinds would delete them, and their finalizers prune).
  const fleet = view.environments.deployed.some((e) => e.spansClusters);
  const objects = view.gitops.objects ?? (fleet ? ArgoCdObjects.APPLICATION_SETS : ArgoCdObjects.APPLICATIONS);
  const add = (name: string, content: object) =>
    files.add(path.posix.join(view.layout.argocdDir, name), toYaml(content));
  for (const env of view.environments.deployed) {
    const placements = view.placementsOf(env).filter((p) => p.deployed);
    add(
      `apps/${env.name}/project.yaml`,
      appProject({
        platform: view.name,
        repoURL: settings.repoURL,
        argocdNamespace: settings.argocdNamespace,
        env,
        placements,
        defaultServer: settings.defaultServer,
        bundleNamespaces: [...new Set(view.bundles.map((b) => b.namespace))],
      }),
    );
    for (const cluster of env.clusters) {
      const secret = clusterSecret(view.name, settings.argocdNamespace, cluster);
      if (secret) add(`apps/${env.name}/clusters/${cluster.name}.yaml`, secret);
    }
    const services = view.servicesIn(env);
    for (const placement of placements) {
      const key = placementKey(settings, placement);
      const shared = path.posix.join(placement.dir, 'shared');
      add(
        `${key.dir}/shared.yaml`,
        application(settings, placement, `${key.name}-shared`, shared, SHARED_WAVE, 'shared'),
      );
      if (placement.env.secrets.external?.provider) {
        const store = path.posix.join(placement.dir, SECRET_STORE_DIR);
        add(
          `${key.dir}/${SECRET_STORE_DIR}.yaml`,
          application(settings, placement, `${key.name}-${SECRET_STORE_DIR}`, store, SHARED_WAVE, SECRET_STORE_DIR),
        );
      }
      // A bundle's overlay is the environment's, whichever cluster of it the Application targets.
      for (const bundle of view.bundles) {
        const source = path.posix.join(view.layout.overlaysDir, env.name, bundle.name);
        add(
          `${key.dir}/${bundle.name}.yaml`,
          application(
            settings,
            placement,
            `${key.name}-${bundle.name}`,
            source,
            SHARED_WAVE,
            bundle.name,
            bundle.namespace,
          ),
        );
      }
      if (objects !== ArgoCdObjects.APPLICATIONS) continue;
      for (const service of services) {
        const source = path.posix.join(placement.dir, service.name);
        const name = `${key.name}-${service.name}`;
        add(
          `${key.dir}/${service.name}.yaml`,
          application(settings, placement, name, source, SERVICES_WAVE, service.name),
        );
      }
    }
    if (objects === ArgoCdObjects.APPLICATION_SETS && services.length > 0) {
      add(`apps/${env.name}/services.yaml`, applicationSet(settings, env, placements, services));
    }
  }
  add('bootstrap.yaml', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${view.name}-bootstrap`,
      namespace: settings.argocdNamespace,
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: 'default',
      source: {
        repoURL: settings.repoURL,
        targetRevision: settings.revision,
        path: `${view.layout.argocdDir}/apps`,
        directory: { recurse: true },
      },
      destination: { server: settings.defaultServer, namespace: settings.argocdNamespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
    },
  });
};
