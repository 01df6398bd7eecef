import { Cluster } from '../model/cluster';

/** Label that makes a Secret in Argo CD's namespace a cluster registration. */
const SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';

/**
 * How `cluster` joins Argo CD declaratively: an ExternalSecret that writes the cluster Secret
 * (`name`, `server`, and `config` read from the secret manager, never from git), or undefined
 * where the table does not say where the credentials are.
 */
export function clusterSecret(platform: string, argocdNamespace: string, cluster: Cluster): object | undefined {
  const credentials = cluster.credentials;
  if (!credentials || cluster.server === undefined) return undefined;
  const name = `cluster-${cluster.name}`;
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: {
      name,
      namespace: argocdNamespace,
      labels: { 'app.kubernetes.io/part-of': platform },
      // Before the AppProjects (-2) and the Applications that target the cluster.
      annotations: { 'argocd.argoproj.io/sync-wave': '-3' },
    },
    spec: {
      refreshInterval: credentials.refreshInterval,
      secretStoreRef: { name: credentials.storeName, kind: credentials.storeKind },
      target: {
        name,
        creationPolicy: 'Owner',
        template: {
          metadata: { labels: { [SECRET_TYPE_LABEL]: 'cluster', 'app.kubernetes.io/part-of': platform } },
          data: { name: cluster.name, server: cluster.server, config: '{{ .config }}' },
        },
      },
      data: [
        {
          secretKey: 'config',
          remoteRef: {
            key: credentials.key,
            ...(credentials.property !== undefined ? { property: credentials.property } : {}),
          },
        },
      ],
    },
  };
}
