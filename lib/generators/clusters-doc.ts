import { describePin } from '../kube/image-pin';
import { Cluster } from '../model/cluster';
import { Environment } from '../model/environment';
import { DocSection } from './doc-section';
import { PlatformView } from './platform-view';

/** What a cluster changes from its environment's row, in words. */
function differences(cluster: Cluster): string {
  const c = cluster.props;
  const parts = [
    ...Object.entries({ ...c.variables, ...c.sharedVariables }).map(([k, v]) => `\`${k}=${v}\``),
    ...(c.ingress ? [`host ${c.ingress.host}${c.ingress.apiHost ? `, API ${c.ingress.apiHost}` : ''}`] : []),
    ...(c.scaling ? [`replicas ${c.scaling.describe()}`] : []),
    ...(c.resources ? [`${c.resources.cpu} / ${c.resources.memory}`] : []),
    ...Object.entries(c.datastores?.external ?? {}).map(([d, e]) => `${d} at ${e.host}${e.port ? `:${e.port}` : ''}`),
  ];
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

/** How the cluster is known to Argo CD. */
function registration(cluster: Cluster): string {
  const credentials = cluster.credentials;
  if (credentials) {
    return `ExternalSecret \`cluster-${cluster.name}\` from ${credentials.storeKind} ${credentials.storeName} (\`${credentials.key}\`)`;
  }
  return `by hand: \`argocd cluster add <kube-context> --name ${cluster.name}\``;
}

/**
 * ENVIRONMENTS.md's "Clusters" section: where Argo CD deploys each environment, what each
 * cluster changes, how it is registered, and the clusters a wave has pinned apart.
 */
export function clusterDocSections(view: PlatformView, envs: readonly Environment[]): DocSection[] {
  if (!view.gitops && envs.every((e) => e.clusters.length === 0)) return [];
  const defaultServer = view.gitops?.destinationServer ?? 'https://kubernetes.default.svc';
  const rows: string[][] = [];
  const waves: string[] = [];
  for (const env of envs) {
    if (env.clusters.length === 0) {
      rows.push([
        env.name,
        '(default)',
        `server ${defaultServer}`,
        "Argo CD's own cluster",
        `overlays/${env.name}/`,
        '',
        '',
      ]);
      continue;
    }
    for (const placement of view.placementsOf(env).filter((p) => p.deployed)) {
      const cluster = placement.cluster!;
      rows.push([
        env.name,
        `**${cluster.name}**`,
        cluster.address === 'server' ? `server ${cluster.server}` : `name ${cluster.name}`,
        cluster.purpose ?? '',
        `${placement.dir}/`,
        env.spansClusters ? differences(cluster) : '',
        registration(cluster),
      ]);
      if (!placement.layered) continue;
      for (const service of view.servicesIn(placement.env)) {
        const pin = view.clusterPinOf(placement.env, service);
        if (pin) waves.push(`- ${env.name}/${cluster.name}: ${service.name} pinned at ${describePin(pin)} (a wave)`);
      }
    }
  }
  const header =
    '| Environment | Cluster | Argo CD destination | Purpose | Overlays | Differs from the environment | Registered |';
  const body = [
    'Each environment has its own AppProject: its namespace on these clusters only, and no cluster-scoped ' +
      'kind but its Namespace. Clusters of one environment share its image pins ' +
      '(`overlays/<env>/<service>/`) unless a wave pins one apart ' +
      '(`npm run promote -- <from> <env> --cluster <name>`); `npm run promote -- <from> <env>` moves them all at once.',
    '',
    header,
    `|${header
      .split('|')
      .slice(1, -1)
      .map(() => '---')
      .join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    waves.length > 0
      ? `Clusters pinned apart:\n\n${waves.join('\n')}`
      : 'No cluster is pinned apart from its environment.',
  ];
  return [{ title: 'Clusters', body: body.join('\n') }];
}
