import * as fs from 'fs';
import * as path from 'path';
import { validate, ValidateResult } from '../lib/gate/gate';
import { renderOverlays } from '../lib/kube/render-cache';
import { K8sObject, parseManifests } from '../lib/kube/object';
import { findYamlFiles } from '../lib/kube/overlays';
import { sharedDirOf } from '../lib/gate/upstream-data';
import { derivePolarisFile, loadPolarisData, POLARIS_DATA_FILE } from '../lib/gate/polaris-data';
import { repositoryEntries } from '../lib/synth/example-entries';
import { loadApp } from '../lib/synth/load-app';
import { evaluatePolaris, GATE_CHECK_OF, loadPolaris, renderGoTemplate } from './support-polaris';

const repoRoot = path.resolve(__dirname, '..');
const polarisDir = path.join(sharedDirOf(repoRoot), 'policy', 'polaris');
const hasPolaris = fs.existsSync(path.join(polarisDir, 'default.yaml'));

// The checks come from the committed derivation of ../shared/policy/polaris (npm run
// derive-upstream), so they run in CI too; where ../shared is present it must equal a fresh one.
(hasPolaris ? describe : describe.skip)(`${POLARIS_DATA_FILE} equals a fresh derivation of ${polarisDir}`, () => {
  test('is what npm run derive-upstream writes today', () => {
    expect(
      fs.readFileSync(path.join(repoRoot, POLARIS_DATA_FILE), 'utf8') ===
        derivePolarisFile(path.dirname(path.dirname(polarisDir))),
    ).toBe(true);
  });
});
if (!hasPolaris) {
  test.skip(`skipped: ${polarisDir} is absent, so the freshness of ${POLARIS_DATA_FILE} cannot be checked here`, () => {});
}

describe('the Go template subset of the Polaris check files', () => {
  test('if/else, variables, range, and/or/not/eq/ne/hasPrefix/print/index, trim markers', () => {
    const dot = { metadata: { name: 'system:x', labels: { b: '2', a: '1' } }, spec: { minReplicas: 3 } };
    expect(
      renderGoTemplate('{{ if and (not (hasPrefix .metadata.name "system:")) true }}y{{ else }}n{{ end }}', dot),
    ).toBe('n');
    expect(renderGoTemplate('{{ range $key, $value := .metadata.labels }}{{ $key }}={{ $value }};{{ end }}', dot)).toBe(
      'a=1;b=2;',
    );
    expect(renderGoTemplate('x  {{- if .spec.minReplicas }} {{ .spec.minReplicas }}{{ end }}', dot)).toBe('x 3');
    expect(
      renderGoTemplate(
        '{{ $v := false }}{{ $v = index . "metadata" "labels" "a" }}{{ if $v }}{{ print "k/" $v }}{{ end }}',
        dot,
      ),
    ).toBe('k/1');
    expect(
      renderGoTemplate(
        '{{ if or (ne .metadata.name "system:x") (eq .spec.minReplicas 3) }}ok{{ end }}{{ .nope }}',
        dot,
      ),
    ).toBe('ok<no value>');
  });
});

/** `env|Kind/name|check` of every finding the gate reports or waives. */
function gateCoverage(result: ValidateResult): Set<string> {
  const envOf = (overlay: string) => overlay.split('/')[1] ?? overlay;
  return new Set([
    ...result.findings.map((f) => `${envOf(f.overlay)}|${f.object}|${f.check}`),
    ...result.waivers.filter((w) => w.reason.trim() !== '').map((w) => `${envOf(w.overlay)}|${w.object}|${w.check}`),
  ]);
}

describe(`Polaris's own checks (commit ${loadPolarisData(repoRoot).commit}) on the rendered output`, () => {
  const { checks, severities } = loadPolaris(loadPolarisData(repoRoot));
  const entries = repositoryEntries(repoRoot);

  test('every check file is understood, and each check maps to a gate check', () => {
    expect(checks.length).toBe(44);
    // Cross-resource checks (and one Polaris implements in Go) are covered by the gate only.
    expect(checks.filter((c) => c.crossResource).map((c) => c.id)).toEqual([
      'automountServiceAccountToken',
      'clusterrolebindingClusterAdmin',
      'clusterrolebindingPodExecAttach',
      'missingNetworkPolicy',
      'missingPodDisruptionBudget',
      'pdbMinAvailableGreaterThanHPAMinReplicas',
      'rolebindingClusterAdminClusterRole',
      'rolebindingClusterAdminRole',
      'rolebindingClusterRolePodExecAttach',
      'rolebindingRolePodExecAttach',
    ]);
    for (const c of checks) expect([c.id, GATE_CHECK_OF[c.id]?.length ?? 0]).not.toEqual([c.id, 0]);
  });

  test.each(Object.keys(entries))(
    '%s: no danger or warning the gate does not report or waive',
    async (name) => {
      const entry = entries[name];
      const app = loadApp(entry);
      const root = entry.rootDir;
      const overlays = path.join(root, 'overlays');
      const dirs = fs.readdirSync(overlays).flatMap((env) =>
        fs.statSync(path.join(overlays, env)).isDirectory()
          ? fs
              .readdirSync(path.join(overlays, env))
              .filter((d) => fs.existsSync(path.join(overlays, env, d, 'kustomization.yaml')))
              .map((d) => `overlays/${env}/${d}`)
          : [],
      );
      const rendered = await renderOverlays(root, dirs, {
        cacheDir: path.join(root, '.cache', 'validate'),
        concurrency: 1,
      });
      const perEnv: [string, K8sObject[]][] = rendered.map((r) => {
        if (r.error) throw new Error(`${r.dir}: ${r.error}`);
        return [r.dir.split('/')[1], r.objects ?? []];
      });
      const argocd = path.join(root, 'argocd');
      if (fs.existsSync(argocd)) {
        for (const file of findYamlFiles(argocd)) {
          const rel = path.relative(root, file).split(path.sep).join('/');
          perEnv.push([rel.split('/')[1], parseManifests(fs.readFileSync(file, 'utf8'), rel)]);
        }
      }
      const result = await validate({ rootDir: root, platform: app.platform, parity: false });
      const covered = gateCoverage(result);
      const uncovered: string[] = [];
      let evaluated = 0;
      for (const [env, objects] of perEnv) {
        evaluated += objects.length;
        for (const f of evaluatePolaris(objects, checks, severities)) {
          if (!GATE_CHECK_OF[f.check].some((g) => covered.has(`${env}|${f.object}|${g}`))) {
            uncovered.push(
              `${env} ${f.object}${f.container ? ` container ${f.container}` : ''}: ${f.check} (${f.severity})`,
            );
          }
        }
      }
      expect(evaluated).toBeGreaterThan(0);
      // Operator resources' pod templates included: the gate runs its pod checks there and
      // lists what the operator fills itself as waivers with the reason.
      expect([...new Set(uncovered)].sort()).toEqual([]);
    },
    600_000,
  );
});
