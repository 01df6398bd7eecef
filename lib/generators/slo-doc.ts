import { Microservice } from '../constructs/microservice';
import { AlertUrgency } from '../model/burn-rate';
import { Environment } from '../model/environment';
import { DocSection } from './doc-section';

/**
 * ENVIRONMENTS.md's "Service level objectives" section, from the typed settings: per environment
 * with comprehensive alerts, each service's objectives (target, SLI, error budget per period),
 * the burn-rate alert windows with their severities, and what Prometheus selects; none when no
 * environment renders an SLO.
 */
export function sloDocSections(envs: readonly Environment[], services: readonly Microservice[]): DocSection[] {
  const parts: string[] = [];
  for (const env of envs) {
    const rows = services.flatMap((s) => s.objectivesIn(env).map((o) => ({ service: s, objective: o })));
    if (rows.length === 0) continue;
    const alerting = env.operations.alerts;
    parts.push(
      `### ${env.name.charAt(0).toUpperCase()}${env.name.slice(1)}`,
      '',
      table(
        ['Service', 'Objective', 'Target', 'SLI', 'Error budget'],
        rows.map(({ service, objective }) => [
          service.name,
          objective.name,
          `${objective.targetPercent}% over ${objective.periodDays}d`,
          objective.sli.description,
          `${+(objective.errorBudget * 100).toPrecision(6)}% of requests, ${objective.errorBudgetMinutes} min of full outage`,
        ]),
      ),
      '',
      table(
        ['Alert', 'Long window', 'Short window', 'Burn rate', 'Budget spent', 'Severity'],
        uniqueWindows(rows.map((r) => r.objective.burnRateAlerts)).map((a) => [
          a.urgency === AlertUrgency.PAGE ? 'Page' : 'Ticket',
          a.longWindow,
          a.shortWindow,
          `${a.factor}×`,
          `${a.budgetConsumedPercent}% in ${a.longWindow}`,
          alerting.severityOf(a.urgency),
        ]),
      ),
      '',
    );
    const unmeasured = services.filter((s) => s.metricsEndpoint === undefined).map((s) => s.name);
    if (unmeasured.length > 0) parts.push(`Not measured (no metrics endpoint): ${unmeasured.join(', ')}.`, '');
  }
  if (parts.length === 0) return [];
  return [
    {
      title: 'Service level objectives',
      body:
        'Recorded as `slo:sli_error:ratio_rate<window>` per service and objective, alerted as ' +
        "`ErrorBudgetBurn` when both windows of a pair burn faster than the rate (the SRE workbook's " +
        'multi-window, multi-burn-rate alerts).\n\n' +
        parts.join('\n'),
    },
  ];
}

function uniqueWindows<T extends { longWindow: string; shortWindow: string; factor: number }>(
  lists: (readonly T[])[],
): T[] {
  const seen = new Map<string, T>();
  for (const a of lists.flat())
    seen.set(
      `${a.longWindow}/${a.shortWindow}/${a.factor}`,
      seen.get(`${a.longWindow}/${a.shortWindow}/${a.factor}`) ?? a,
    );
  return [...seen.values()];
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
