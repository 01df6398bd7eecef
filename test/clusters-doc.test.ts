import * as fs from 'fs';
import * as path from 'path';
import { synth } from '../lib';
import { planClusterSetImage } from '../lib/release/cluster-pins';
import { applyChanges } from '../lib/release/promotion';
import { releaseContext } from '../lib/release/release-context';
import { synthFixture, tempDir } from './support';

/** The Clusters section of ENVIRONMENTS.md in `dir`. */
function clustersSection(dir: string): string {
  const doc = fs.readFileSync(path.join(dir, 'ENVIRONMENTS.md'), 'utf8');
  return doc.slice(doc.indexOf('## Clusters'), doc.indexOf('\n## ', doc.indexOf('## Clusters') + 1));
}

describe('ENVIRONMENTS.md shows each environment clusters', () => {
  test('one row per deployed cluster: destination, overlays, what it changes, how it is registered', () => {
    const app = synthFixture(tempDir(), 'fleet');
    const section = clustersSection(app.options.rootDir);
    expect(section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Environment'))).toEqual([
      "| dev | (default) | server https://kubernetes.default.svc | Argo CD's own cluster | overlays/dev/ |  |  |",
      '| staging | **staging** | name staging | kind in CI | overlays/staging/ |  | by hand: `argocd cluster add <kube-context> --name staging` |',
      '| prod | **prod-eu** | name prod-eu | EKS eu-west-1 | overlays/prod/clusters/prod-eu/ | `REGION=eu-west-1`, host eu.fleet.example.com | ExternalSecret `cluster-prod-eu` from ClusterSecretStore vault (`argocd/clusters/prod-eu`) |',
      '| prod | **prod-us** | name prod-us | EKS us-east-1 | overlays/prod/clusters/prod-us/ | `REGION=us-east-1`, host us.fleet.example.com, replicas HPA 3-12, 1 / 1Gi, postgres at db.us.example.com | by hand: `argocd cluster add <kube-context> --name prod-us` |',
    ]);
    expect(section).toContain('No cluster is pinned apart from its environment.');
  });

  test('a wave pin is listed under its cluster until the environment catches up', () => {
    const app = synthFixture(tempDir(), 'fleet');
    const ctx = releaseContext(app);
    applyChanges(ctx, planClusterSetImage(ctx, 'prod', 'prod-eu', 'api', '1.3.0'));
    synth(app.platform, app.options);
    expect(clustersSection(app.options.rootDir)).toContain(
      'Clusters pinned apart:\n\n- prod/prod-eu: api pinned at 1.3.0 (a wave)',
    );
  });
});
