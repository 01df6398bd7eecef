import { Environment } from '../model/environment';
import { GitOpsProps } from '../model/gitops';
import { Placement } from './placement';
import { applicationPrefix } from './argocd-names';

/** Retry of every Application: the services wait for their namespace and datastores. */
export const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/** Settings of every Application of the platform, with defaults filled. */
export interface ArgoCdSettings {
  /** Platform name: the prefix of every Application and AppProject. */
  readonly platform: string;
  /** Git URL of the repository. */
  readonly repoURL: string;
  /** Branch or tag Argo CD follows. */
  readonly revision: string;
  /** Namespace Argo CD runs in. */
  readonly argocdNamespace: string;
  /** Destination of environments that name no cluster. */
  readonly defaultServer: string;
}

/** Fills the defaults of the platform's GitOps settings once. */
export function argoCdSettings(platform: string, gitops: GitOpsProps): ArgoCdSettings {
  return {
    platform,
    repoURL: gitops.repoURL,
    revision: gitops.targetRevision ?? 'main',
    argocdNamespace: gitops.argocdNamespace ?? 'argocd',
    defaultServer: gitops.destinationServer ?? 'https://kubernetes.default.svc',
  };
}

/**
 * Name prefix and file directory of one deployed placement's Applications: `<platform>-<env>`
 * and `apps/<env>/` for an environment on one cluster (the names it always had),
 * `<platform>-<env>-<cluster>` and `apps/<env>/<cluster>/` for each cluster of one that spans several.
 */
export function placementKey(settings: ArgoCdSettings, placement: Placement): { name: string; dir: string } {
  const env = placement.env.name;
  return placement.layered && placement.cluster
    ? {
        name: applicationPrefix(settings.platform, env, placement.cluster.name),
        dir: `apps/${env}/${placement.cluster.name}`,
      }
    : { name: applicationPrefix(settings.platform, env), dir: `apps/${env}` };
}

/** The labels every Application of a placement carries. */
export function placementLabels(settings: ArgoCdSettings, placement: Placement): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': settings.platform,
    environment: placement.env.name,
    ...(placement.cluster ? { cluster: placement.cluster.name } : {}),
  };
}

/** The sync policy of an environment's Applications. */
export function syncPolicy(env: Environment): Record<string, unknown> {
  return {
    ...(env.autoSync ? { automated: { prune: true, selfHeal: true } } : {}),
    syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=true'],
    retry: RETRY,
  };
}
