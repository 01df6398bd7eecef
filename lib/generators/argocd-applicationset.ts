import * as path from 'path';
import { Microservice } from '../constructs/microservice';
import { Environment } from '../model/environment';
import { ArgoCdSettings, placementKey, placementLabels, syncPolicy } from './argocd-settings';
import { destinationOf, projectName } from './argocd-project';
import { Placement } from './placement';

/**
 * One environment's ApplicationSet: a list generator with one element per cluster x service,
 * rendering the same Applications `ArgoCdObjects.APPLICATIONS` writes one file each for (same
 * names, labels, project, source and destination). Argo CD's Go templates fill each element in;
 * `missingkey=error` makes a missing key an error rather than an empty string.
 */
export function applicationSet(
  settings: ArgoCdSettings,
  env: Environment,
  placements: readonly Placement[],
  services: readonly Microservice[],
): object {
  const elements = placements.flatMap((placement) => {
    const key = placementKey(settings, placement);
    const destination = destinationOf(placement, settings.defaultServer);
    return services.map((service) => ({
      name: `${key.name}-${service.name}`,
      service: service.name,
      cluster: placement.cluster?.name ?? '',
      path: path.posix.join(placement.dir, service.name),
      destinationName: destination.name ?? '',
      destinationServer: destination.server ?? '',
    }));
  });
  const byName = elements.some((e) => e.destinationName !== '');
  const byServer = elements.some((e) => e.destinationServer !== '');
  const labels = placementLabels(settings, { ...placements[0], cluster: undefined });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: {
      name: `${settings.platform}-${env.name}-services`,
      namespace: settings.argocdNamespace,
      labels: { 'app.kubernetes.io/part-of': settings.platform, environment: env.name },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements } }],
      template: {
        metadata: {
          name: '{{ .name }}',
          namespace: settings.argocdNamespace,
          labels: {
            ...labels,
            ...(env.spansClusters || env.clusters.length > 0 ? { cluster: '{{ .cluster }}' } : {}),
            service: '{{ .service }}',
          },
          annotations: { 'argocd.argoproj.io/sync-wave': '0' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: projectName(settings.platform, env),
          source: { repoURL: settings.repoURL, targetRevision: settings.revision, path: '{{ .path }}' },
          destination: {
            ...(byName ? { name: '{{ .destinationName }}' } : {}),
            ...(byServer ? { server: '{{ .destinationServer }}' } : {}),
            namespace: env.namespace,
          },
          syncPolicy: syncPolicy(env),
          revisionHistoryLimit: 10,
        },
      },
    },
  };
}
