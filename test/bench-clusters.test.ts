import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { syntheticPlatform } from '../bench/synthetic';
import { ArgoCdObjects, synth } from '../lib';
import { kustomizeSync } from '../lib/kube/kubectl';
import { tempDir } from './support';

describe('the synthetic platform on clusters (npm run bench -- --clusters N)', () => {
  test('every environment spans N clusters, each with its REGION, one Application per environment x cluster x service', () => {
    const root = tempDir();
    synth(syntheticPlatform(new App(), { services: 3, envs: 2, clusters: 2 }), { rootDir: root, outdir: 'dist' });
    const apps = (env: number, cluster: number) =>
      fs.readdirSync(path.join(root, `argocd/apps/env-${env}/env-${env}-c${cluster}`)).sort();
    expect(apps(1, 1)).toEqual(['shared.yaml', 'svc-000.yaml', 'svc-001.yaml', 'svc-002.yaml']);
    const objects = kustomizeSync(path.join(root, 'overlays/env-1/clusters/env-1-c1/svc-000'));
    expect((objects.find((o) => o.kind === 'ConfigMap') as any).data.REGION).toBe('region-1');
  });

  test('with ApplicationSets, one per environment holds every cluster x service', () => {
    const root = tempDir();
    const size = { services: 3, envs: 2, clusters: 3, objects: ArgoCdObjects.APPLICATION_SETS };
    synth(syntheticPlatform(new App(), size), { rootDir: root, outdir: 'dist' });
    const set = parse(fs.readFileSync(path.join(root, 'argocd/apps/env-0/services.yaml'), 'utf8'));
    expect(set.spec.generators[0].list.elements.map((e: { name: string }) => e.name)).toEqual(
      [0, 1, 2].flatMap((c) => [0, 1, 2].map((s) => `bench-env-0-env-0-c${c}-svc-00${s}`)),
    );
  });
});
