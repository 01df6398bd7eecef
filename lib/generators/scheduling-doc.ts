import { Environment } from '../model/environment';
import { DocSection } from './doc-section';

/**
 * The ENVIRONMENTS.md section on scheduling: the PriorityClass each environment's pods name
 * (the cluster must have it: synth writes no cluster-scoped objects), how replicas spread and
 * the pull policy.
 */
export function schedulingDocSection(envs: readonly Environment[]): DocSection {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const row = (label: string, cell: (e: Environment) => string) => `| ${label} | ${envs.map(cell).join(' | ')} |\n`;
  const classes = [...new Set(envs.flatMap((e) => e.scheduling.priorityClassName ?? []))].sort();
  return {
    title: 'Scheduling',
    body:
      `| Setting | ${envs.map((e) => cap(e.name)).join(' | ')} |\n|---|${envs.map(() => '---').join('|')}|\n` +
      row('PriorityClass', (e) =>
        e.scheduling.priorityClassName ? `\`${e.scheduling.priorityClassName}\`` : '(cluster default)',
      ) +
      row('Spread of 2+ replicas', (e) =>
        e.scheduling.zoneSpread ? 'nodes (required), zones (preferred)' : 'nodes (required)',
      ) +
      row('Image pull policy', (e) => e.scheduling.imagePullPolicy) +
      (classes.length > 0
        ? `\nThe cluster must have the PriorityClass${classes.length > 1 ? 'es' : ''} ${classes.map((c) => `\`${c}\``).join(', ')} ` +
          '(cluster-scoped, so not synced from here), for example:\n\n' +
          '```yaml\n' +
          classes
            .map(
              (c) =>
                `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: ${c}\nvalue: 100000\nglobalDefault: false\npreemptionPolicy: PreemptLowerPriority\n`,
            )
            .join('---\n') +
          '```\n'
        : ''),
  };
}
