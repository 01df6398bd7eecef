import { Microservice } from '../constructs/microservice';
import { objectiveOf, rolloutStrategyOf, unmeasuredReason } from '../constructs/service-rollout';
import { Environment } from '../model/environment';
import { DocSection } from './doc-section';

/**
 * The ENVIRONMENTS.md section on rollouts and verification: how each service's new version
 * replaces the old one in each environment, whether an analysis checks it (or it runs on
 * pauses alone, and why), what `npm run verify` measures there and which promotions need it.
 * Empty when every environment rolls and none verifies.
 */
export function rolloutDocSections(envs: readonly Environment[], services: readonly Microservice[]): DocSection[] {
  const progressive = envs.some((e) => services.some((s) => s.runsIn(e) && rolloutStrategyOf(s, e).progressive));
  if (!progressive && !envs.some((e) => e.verification || e.requiresVerifiedSource)) return [];
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const header = `| Service | ${envs.map((e) => cap(e.name)).join(' | ')} |\n|---|${envs.map(() => '---').join('|')}|\n`;
  const cell = (service: Microservice, env: Environment): string => {
    if (!service.runsIn(env)) return 'not deployed';
    const strategy = rolloutStrategyOf(service, env);
    if (!strategy.progressive) return strategy.describe();
    const objective = objectiveOf(service, env);
    return objective
      ? `${strategy.describe()}; analysis: ${objective.name} ≥ ${objective.targetPercent}%`
      : `${strategy.describe()}; no analysis (${unmeasuredReason(service, env)}): ${strategy.kind === 'canary' ? 'steps advance on their pauses alone' : 'the promotion decides'}, verify checks Argo CD health only`;
  };
  const rows = services.map((s) => `| ${s.name} | ${envs.map((e) => cell(s, e)).join(' | ')} |\n`).join('');
  const verification = envs
    .map((e) => {
      const v = e.verification;
      const measured = v
        ? `\`npm run verify -- ${e.name}\`: Argo CD sync and health, ${v.objective.name} ≥ ${v.objective.targetPercent}% over ${v.soakMinutes} min from ${v.prometheusAddress}`
        : 'no verification settings';
      const gate = e.requiresVerifiedSource
        ? `; promotion into ${e.name} needs a passed verification in ${e.promotedFrom ?? 'its source'} at least its soak time after the deploy (or \`--skip-verification --reason\`, recorded)`
        : '';
      return `- **${cap(e.name)}**: ${measured}${gate}.\n`;
    })
    .join('');
  return [
    {
      title: 'Rollouts and verification',
      body:
        'How a new version replaces the old one (Argo Rollouts where not a rolling update) and what checks it:\n\n' +
        header +
        rows +
        '\n' +
        verification,
    },
  ];
}
