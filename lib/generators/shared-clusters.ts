import { Environment } from '../model/environment';
import { destinationOf } from './argocd-project';
import { argoCdSettings } from './argocd-settings';
import { PlatformView } from './platform-view';

/**
 * The deployed environments of each cluster Argo CD deploys to, keyed by the destination in
 * words (`server https://kubernetes.default.svc`, `name vision-prod`), for objects that
 * exist once per cluster (a bundle's Namespace, a ClusterSecretStore). Empty without Argo CD
 * settings: the clusters are then whatever each `kubectl apply` targets, which synth cannot know.
 */
export function environmentsByCluster(view: PlatformView): Map<string, Environment[]> {
  const byCluster = new Map<string, Environment[]>();
  if (!view.gitops) return byCluster;
  const { defaultServer } = argoCdSettings(view.name, view.gitops);
  for (const env of view.environments.deployed) {
    for (const placement of view.placementsOf(env).filter((p) => p.deployed)) {
      const key = Object.entries(destinationOf(placement, defaultServer))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const envs = byCluster.get(key) ?? [];
      if (!envs.some((e) => e.name === env.name)) byCluster.set(key, [...envs, env]);
    }
  }
  return byCluster;
}
