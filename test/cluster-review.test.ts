import { DEFAULT_SEVERITIES } from '../lib/gate/findings';
import * as fs from 'fs';
import * as path from 'path';
import { validate } from '../lib/gate/gate';
import { checkNames } from '../lib/gate/names';
import { deploymentUnits } from '../lib/kube/cluster-overlays';
import { planClusterSetImage } from '../lib/release/cluster-pins';
import { applyChanges } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { checkParity } from '../lib/review/parity';
import { diffTrees, formatText, renderRef, renderTree } from '../lib/review/diff';
import { synth } from '../lib';
import { gitInit, synthFixture, tempDir } from './support';

/** The fleet fixture synthesized and committed on main. */
function fleetRepo() {
  const app = synthFixture(tempDir(), 'fleet');
  gitInit(app.options.rootDir);
  return app;
}

describe('the gate, the diff and parity see every cluster', () => {
  test('each cluster of a multi-cluster environment is a deployment unit of its own', () => {
    const app = fleetRepo();
    expect(deploymentUnits(path.join(app.options.rootDir, 'overlays'))).toEqual([
      'dev',
      'prod',
      'prod/clusters/prod-eu',
      'prod/clusters/prod-us',
      'staging',
    ]);
  });

  test('the gate checks each cluster with its environment settings and passes the fleet', async () => {
    const app = fleetRepo();
    const result = await validate({ rootDir: app.options.rootDir, platform: app.platform, cacheDir: false });
    // Only Polaris's advisory warnings (a PriorityClass outside prod, single replicas, ...) may remain.
    expect(result.findings.filter((f) => f.severity === 'error' || !(f.check in DEFAULT_SEVERITIES))).toEqual([]);
    expect(result.summary.map((s) => [s.env, s.overlays, s.objects])).toEqual([
      ['dev', 5, 23],
      ['prod', 5, 24],
      ['prod/clusters/prod-eu', 5, 24],
      ['prod/clusters/prod-us', 5, 24],
      ['staging', 5, 25],
      ['argocd', 0, 12],
    ]);
  });

  test('a wave pin shows in npm run diff under its cluster only', async () => {
    const app = fleetRepo();
    const ctx = releaseContext(app);
    applyChanges(ctx, planClusterSetImage(ctx, 'prod', 'prod-eu', 'api', '1.3.0'));
    synth(app.platform, app.options);
    const dir = app.options.rootDir;
    const [before, after] = await Promise.all([renderRef(dir, 'main'), renderTree(dir)]);
    const text = formatText(diffTrees(before, after), [...after.keys()].sort());
    expect(text.split('\n\n')[0]).toBe(
      [
        'ENV                    ADDED  REMOVED  CHANGED',
        'argocd                 0      0        0',
        'dev                    0      0        0',
        'prod                   0      0        0',
        'prod/clusters/prod-eu  0      0        1',
        'prod/clusters/prod-us  0      0        0',
        'staging                0      0        0',
      ].join('\n'),
    );
    expect(text).toContain('-          image: fleet/api:1.0.0\n+          image: fleet/api:1.3.0');
  });

  test('parity reports a hand edit of a cluster overlay, naming the file', async () => {
    const app = fleetRepo();
    const file = path.join(app.options.rootDir, 'overlays/prod/clusters/prod-us/api/configmap-patch.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('REGION: us-east-1', 'REGION: us-west-2'));
    expect(await checkParity({ rootDir: app.options.rootDir, platform: app.platform })).toEqual([
      {
        overlay: 'overlays/prod/clusters/prod-us/api',
        object: 'ConfigMap/api',
        message:
          'data.REGION: model "us-east-1", overlay "us-west-2" is not explained by the environment table (files differing from the model: overlays/prod/clusters/prod-us/api/configmap-patch.yaml)',
      },
    ]);
  });

  test('fails when an ApplicationSet element makes a bad label: each element is checked filled in', () => {
    const set = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'p-prod-services' },
      spec: {
        generators: [{ list: { elements: [{ cluster: 'prod-eu' }, { cluster: 'prod_us-' }] } }],
        template: { metadata: { labels: { cluster: '{{ .cluster }}' } } },
      },
    };
    expect(checkNames(set as any).map((f) => f.message)).toEqual([
      `spec.generators.list.elements[1] -> spec.template.metadata.labels["cluster"]: value "prod_us-" must be empty or at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
    ]);
  });
});
