import { Datastore } from '../constructs/datastores/datastore';
import { DocSection } from './doc-section';
import { Environment } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { localPorts } from '../constructs/local-ports';

/** ENVIRONMENTS.md section for the local tier: kind clusters and Docker Compose. */
export function localDocSections(
  envs: readonly Environment[],
  services: readonly Microservice[],
  datastores: readonly Datastore[],
  composeFile: string | undefined,
): DocSection[] {
  if (envs.length === 0 && !composeFile) return [];
  const rows = envs.map((e) => {
    const what = e.runServices
      ? `${services.map((s) => s.name).join(', ')} + ${datastores.map((d) => d.name).join(', ')}`
      : `${datastores.map((d) => d.name).join(', ')} only; services run on the host`;
    return `| **${e.name}** | ${e.namespace} | ${e.purpose ?? ''} | ${what} | ${e.resources.cpu} / ${e.resources.memory} | \`kubectl apply -k overlays/${e.name}\` |`;
  });
  const lines = [
    'Local tiers are rendered from the same table but are applied by hand, not synced by Argo CD, and',
    'not part of promotion. Images are loaded with `kind load docker-image` (`imagePullPolicy: IfNotPresent`);',
    'services are reached with `kubectl port-forward`.',
    '',
    '| Environment | Namespace | Purpose | What runs | CPU / memory | Apply |',
    '|---|---|---|---|---|---|',
    ...rows,
  ];
  if (composeFile) {
    lines.push(
      '',
      `Docker Compose (\`${composeFile}\`): every service and datastore with the first deployed environment's values; \`make compose-up\`.`,
      '',
      `Ports on localhost: ${[
        ...datastores.map((d) => `${d.name} ${d.port}`),
        ...[...localPorts(services, datastores)].map(([s, port]) => `${s.name} ${port}`),
      ].join(', ')}.`,
    );
  }
  return [{ title: 'Local environments', body: lines.join('\n') + '\n' }];
}
