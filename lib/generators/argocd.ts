import { Environment } from '../model/environment';
import * as path from 'path';
import { toYaml } from '../core/yaml';
import { GitOpsProps } from '../model/gitops';
import { Generator } from './generator';
import { serviceApplicationName } from './argocd-names';

/** Sync wave of the shared objects (namespace, policies, datastores) and of the services. */
const SHARED_WAVE = '-1';
/** Sync wave of the services. */
const SERVICES_WAVE = '0';

const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/** Inputs of the Argo CD files. */
export interface ArgoCdOptions {
  /** Platform name: the AppProject and the prefix of every Application. */
  readonly platform: string;
  /** Repository settings. */
  readonly gitops: GitOpsProps;
  /** Every environment. */
  readonly environments: readonly Environment[];
  /** Service names (one Application per environment and service). */
  readonly services: readonly string[];
  /** Overlays directory relative to the repository root. */
  readonly overlaysDir: string;
  /** Directory of the Argo CD files relative to the repository root. */
  readonly argocdDir: string;
}

/**
 * Argo CD objects by file name (relative to `argocdDir`): `bootstrap.yaml` (the app-of-apps, the
 * only manual `kubectl apply`), and under `apps/` the AppProject plus one Application per
 * environment and service and one per environment for the shared objects.
 */
function argoCdFiles(options: ArgoCdOptions): Record<string, object> {
  const { platform, gitops, environments } = options;
  const argocd = gitops.argocdNamespace ?? 'argocd';
  const revision = gitops.targetRevision ?? 'main';
  const server = gitops.destinationServer ?? 'https://kubernetes.default.svc';
  const files: Record<string, object> = {};
  const application = (env: Environment, name: string, path: string, wave: string, labels: Record<string, string>) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: argocd,
      labels: { 'app.kubernetes.io/part-of': platform, environment: env.name, ...labels },
      annotations: { 'argocd.argoproj.io/sync-wave': wave },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: platform,
      source: { repoURL: gitops.repoURL, targetRevision: revision, path },
      destination: { server, namespace: env.namespace },
      syncPolicy: {
        ...(env.autoSync ? { automated: { prune: true, selfHeal: true } } : {}),
        syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=true'],
        retry: RETRY,
      },
      revisionHistoryLimit: 10,
    },
  });
  for (const env of environments) {
    files[`apps/${env.name}/shared.yaml`] = application(
      env,
      `${platform}-${env.name}-shared`,
      `${options.overlaysDir}/${env.name}/shared`,
      SHARED_WAVE,
      { service: 'shared' },
    );
    for (const service of options.services) {
      files[`apps/${env.name}/${service}.yaml`] = application(
        env,
        serviceApplicationName(platform, env.name, service),
        `${options.overlaysDir}/${env.name}/${service}`,
        SERVICES_WAVE,
        { service },
      );
    }
  }
  const windows = environments
    .filter((e) => e.syncWindow)
    .map((e) => {
      const w = e.syncWindow!;
      return {
        kind: 'allow',
        schedule: `0 ${w.startHour} * * ${w.days ?? '1-5'}`,
        duration: `${w.endHour - w.startHour}h`,
        applications: [`${platform}-${e.name}-*`],
        manualSync: true,
        timeZone: w.timeZone ?? 'UTC',
      };
    });
  files['apps/project.yaml'] = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: platform, namespace: argocd, annotations: { 'argocd.argoproj.io/sync-wave': '-2' } },
    spec: {
      description: `${platform}: every environment and service, synced from this repository only`,
      sourceRepos: [gitops.repoURL],
      destinations: environments.map((e) => ({ server, namespace: e.namespace })),
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      ...(windows.length > 0 ? { syncWindows: windows } : {}),
      orphanedResources: { warn: true },
    },
  };
  files['bootstrap.yaml'] = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${platform}-bootstrap`,
      namespace: argocd,
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: 'default',
      source: {
        repoURL: gitops.repoURL,
        targetRevision: revision,
        path: `${options.argocdDir}/apps`,
        directory: { recurse: true },
      },
      destination: { server, namespace: argocd },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
    },
  };
  return files;
}

/** `argocd/`: the bootstrap app-of-apps, the AppProject and the Applications, where the platform has GitOps settings. */
export const argoCd: Generator = (view, files) => {
  if (!view.gitops) return;
  const argocdDir = view.layout.argocdDir;
  const argo = argoCdFiles({
    platform: view.name,
    gitops: view.gitops,
    environments: view.environments.deployed,
    services: view.services.map((s) => s.name),
    overlaysDir: view.layout.overlaysDir,
    argocdDir,
  });
  for (const [name, content] of Object.entries(argo)) files.add(path.posix.join(argocdDir, name), toYaml(content));
};
