import { Environment } from '../model/environment';
import { Placement } from './placement';

/** Inputs of one environment's AppProject. */
export interface ArgoCdProjectOptions {
  /** Platform name. */
  readonly platform: string;
  /** Git URL of the repository, the only source. */
  readonly repoURL: string;
  /** Namespace Argo CD runs in. */
  readonly argocdNamespace: string;
  /** The environment. */
  readonly env: Environment;
  /** Its deployed overlay directories, one per cluster. */
  readonly placements: readonly Placement[];
  /** Destination of an environment that names no cluster. */
  readonly defaultServer: string;
  /**
   * Namespaces of the platform's namespace bundles, deployed beside the environment's.
   * @default []
   */
  readonly bundleNamespaces?: readonly string[];
}

/** The one cluster-scoped kind besides Namespaces an environment may own: the store synth writes for it. */
function storeWhitelist(env: Environment): object[] {
  const external = env.secrets.external;
  return external?.provider
    ? [{ group: 'external-secrets.io', kind: 'ClusterSecretStore', name: external.storeName }]
    : [];
}

/** The AppProject name of `env`: `<platform>-<env>`. */
export function projectName(platform: string, env: Environment): string {
  return `${platform}-${env.name}`;
}

/** What a destination names: the placement's cluster (by name or server), else the default server. */
export function destinationOf(placement: Placement, defaultServer: string): Record<string, string> {
  return placement.cluster ? { ...placement.cluster.destination } : { server: defaultServer };
}

/**
 * One environment's AppProject: sources only this repository, destinations only the
 * environment's namespace (and its namespace bundles') on its own clusters, cluster-scoped
 * kinds only those Namespaces and the ClusterSecretStore synth writes for it, and
 * the environment's sync window. An Application of another environment that targets these
 * clusters or this namespace is refused by Argo CD, so dev can never write into prod past
 * prod's window and approval.
 */
export function appProject(options: ArgoCdProjectOptions): object {
  const { env, platform } = options;
  const window = env.syncWindow;
  const namespaces = [env.namespace, ...(options.bundleNamespaces ?? []).filter((n) => n !== env.namespace)];
  const seen = new Set<string>();
  const destinations = options.placements
    .flatMap((p) => namespaces.map((namespace) => ({ ...destinationOf(p, options.defaultServer), namespace })))
    .filter((d) => !seen.has(JSON.stringify(d)) && seen.add(JSON.stringify(d)) !== undefined);
  const clusters = new Set(options.placements.map((p) => JSON.stringify(destinationOf(p, options.defaultServer)))).size;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: projectName(platform, env),
      namespace: options.argocdNamespace,
      labels: { 'app.kubernetes.io/part-of': platform, environment: env.name },
      annotations: { 'argocd.argoproj.io/sync-wave': '-2' },
    },
    spec: {
      description: `${platform} ${env.name}: ${namespaces.length === 1 ? 'namespace' : 'namespaces'} ${namespaces.join(', ')} on ${clusters === 1 ? 'its cluster' : `its ${clusters} clusters`}, synced from this repository only`,
      sourceRepos: [options.repoURL],
      destinations,
      clusterResourceWhitelist: [
        ...namespaces.map((name) => ({ group: '', kind: 'Namespace', name })),
        ...storeWhitelist(env),
      ],
      ...(window
        ? {
            syncWindows: [
              {
                kind: 'allow',
                schedule: `0 ${window.startHour} * * ${window.days ?? '1-5'}`,
                duration: `${window.endHour - window.startHour}h`,
                applications: [`${platform}-${env.name}-*`],
                manualSync: true,
                timeZone: window.timeZone ?? 'UTC',
              },
            ],
          }
        : {}),
      orphanedResources: { warn: true },
    },
  };
}
