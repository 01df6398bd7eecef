import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { helmChart } from '../bench/helm-chart';
import { syntheticPlatform } from '../bench/synthetic';
import { synth } from '../lib';
import { kustomizeSync } from '../lib/kube/kubectl';
import { tempDir } from './support';
import { K8sObject, parseManifests } from '../lib/kube/object';

const HELM = path.resolve(__dirname, '..', '.tools', 'bin', 'helm');
const SIZE = { services: 3, envs: 2 };

function helmTemplate(chartDir: string, env: string): K8sObject[] {
  const out = execFileSync(HELM, ['template', 'bench', chartDir, '-f', path.join(chartDir, `values-${env}.yaml`)], {
    encoding: 'utf8',
  });
  return parseManifests(out, `helm template ${env}`);
}

const ids = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort();

/** What must match for the peer comparison to be fair: scale, resources and images. */
const workload = (objects: K8sObject[]) =>
  objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'HorizontalPodAutoscaler')
    .map((o) => {
      const spec = o.spec as {
        replicas?: number;
        minReplicas?: number;
        maxReplicas?: number;
        template?: { spec: { containers: { image: string; resources: unknown }[] } };
      };
      const container = spec.template?.spec.containers[0];
      return {
        id: `${o.kind}/${o.metadata.name}`,
        replicas: spec.replicas,
        minReplicas: spec.minReplicas,
        maxReplicas: spec.maxReplicas,
        image: container?.image,
        resources: container?.resources,
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));

describe('bench peer chart', () => {
  const root = tempDir('stagecraft-bench-');
  const chartDir = path.join(root, 'chart');

  beforeAll(() => {
    // GIVEN the synthetic platform synthesized and its Helm chart written
    synth(syntheticPlatform(new App(), SIZE), { rootDir: root, outdir: 'dist' });
    for (const [file, content] of Object.entries(helmChart(SIZE))) {
      fs.mkdirSync(path.dirname(path.join(chartDir, file)), { recursive: true });
      fs.writeFileSync(path.join(chartDir, file), content);
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test.each(['env-0', 'env-1'])('renders the same objects as the overlays of %s', (env) => {
    // WHEN both are rendered (the per-service overlays: the Helm peer has no per-environment
    // shared objects such as the Namespace, quota and network policies, which synth writes on top)
    const kustomized = fs
      .readdirSync(path.join(root, 'overlays', env), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'shared')
      .flatMap((e) => kustomizeSync(path.join(root, 'overlays', env, e.name)));
    const helm = helmTemplate(chartDir, env);
    // THEN they hold the same objects with the same scale, resources and images
    expect(ids(helm)).toEqual(ids(kustomized));
    expect(workload(helm)).toEqual(workload(kustomized));
  });

  test('the last environment is autoscaled and the first is not', () => {
    // WHEN both environments are rendered by Helm
    const kinds = (env: string) => helmTemplate(chartDir, env).map((o) => o.kind);
    // THEN only the autoscaled one has HorizontalPodAutoscalers and PodDisruptionBudgets
    expect(kinds('env-0')).not.toContain('HorizontalPodAutoscaler');
    expect(kinds('env-1').filter((k) => k === 'HorizontalPodAutoscaler')).toHaveLength(3);
    expect(kinds('env-1').filter((k) => k === 'PodDisruptionBudget')).toHaveLength(3);
  });
});
