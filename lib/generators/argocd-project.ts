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
 * environment's namespace on its own clusters, cluster-scoped kinds only its Namespace, and
 * the environment's sync window. An Application of another environment that targets these
 * clusters or this namespace is refused by Argo CD, so dev can never write into prod past
 * prod's window and approval.
 */
export function appProject(options: ArgoCdProjectOptions): object {
  const { env, platform } = options;
  const window = env.syncWindow;
  const seen = new Set<string>();
  const destinations = options.placements
    .map((p) => ({ ...destinationOf(p, options.defaultServer), namespace: env.namespace }))
    .filter((d) => !seen.has(JSON.stringify(d)) && seen.add(JSON.stringify(d)) !== undefined);
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
      description: `${platform} ${env.name}: namespace ${env.namespace} on ${destinations.length === 1 ? 'its cluster' : `its ${destinations.length} clusters`}, synced from this repository only`,
      sourceRepos: [options.repoURL],
      destinations,
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: env.namespace }],
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
