import { App } from 'cdk8s';
import { parse } from 'yaml';
import { EnvironmentProps, EnvironmentTable, Microservice, Platform, Scaling } from '../lib';
import { podScheduling } from '../lib/constructs/pod-scheduling';
import { resolveScheduling } from '../lib/model/scheduling';
import { render } from '../lib/synth/render';

const resources = { cpu: '100m', memory: '128Mi' };

/** shop with a single-replica dev, an autoscaled prod with a PriorityClass and zone spread, and a local kind. */
function shopWithScheduling(): Map<string, string> {
  const envs: EnvironmentProps[] = [
    { name: 'dev', namespace: 'shop-dev', scaling: Scaling.fixed(1), resources },
    { name: 'staging', namespace: 'shop-staging', scaling: Scaling.fixed(2), resources },
    {
      name: 'prod',
      namespace: 'shop-prod',
      scaling: Scaling.autoscale({ minReplicas: 3, maxReplicas: 10 }),
      resources,
      scheduling: { priorityClassName: 'shop-critical', zoneSpread: true },
    },
    { name: 'kind', namespace: 'shop', local: true, scaling: Scaling.fixed(1), resources },
  ];
  const platform = new Platform(new App(), 'shop', { environments: new EnvironmentTable(envs) });
  new Microservice(platform, 'cart', { image: 'shop/cart', port: 8080, initialTag: '1.0.0' });
  return new Map(render(platform).entries());
}

const patchOf = (files: Map<string, string>, env: string) =>
  parse(files.get(`overlays/${env}/cart/deployment-patch.yaml`)!).spec.template.spec;

describe('pod scheduling from the environment table', () => {
  const files = shopWithScheduling();
  const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'cart', 'app.kubernetes.io/part-of': 'shop' } },
    matchLabelKeys: ['pod-template-hash'],
  });

  test('prod (HPA 3-10) spreads across nodes and zones, names its PriorityClass and pulls Always', () => {
    const spec = patchOf(files, 'prod');
    expect(spec.priorityClassName).toBe('shop-critical');
    expect(spec.topologySpreadConstraints).toEqual([
      spread('kubernetes.io/hostname', 'DoNotSchedule'),
      spread('topology.kubernetes.io/zone', 'ScheduleAnyway'),
    ]);
    expect(spec.containers[0].imagePullPolicy).toBe('Always');
  });

  test('staging (2 replicas) spreads across nodes only; dev (1 replica) does not spread; kind pulls IfNotPresent', () => {
    expect(patchOf(files, 'staging').topologySpreadConstraints).toEqual([
      spread('kubernetes.io/hostname', 'DoNotSchedule'),
    ]);
    expect(patchOf(files, 'staging').priorityClassName).toBeUndefined();
    expect(patchOf(files, 'dev').topologySpreadConstraints).toBeUndefined();
    expect(patchOf(files, 'dev').containers[0].imagePullPolicy).toBe('Always');
    expect(patchOf(files, 'kind').containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  test('the PodDisruptionBudget lets unhealthy pods be evicted', () => {
    expect(parse(files.get('dist/cart/components/pdb/pdb.yaml')!).spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cart', 'app.kubernetes.io/part-of': 'shop' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('ENVIRONMENTS.md names the PriorityClass the cluster must have', () => {
    const doc = files.get('ENVIRONMENTS.md')!;
    expect(doc).toContain('| PriorityClass | (cluster default) | (cluster default) | `shop-critical` |');
    expect(doc).toContain('The cluster must have the PriorityClass `shop-critical`');
  });

  test('podScheduling gives nothing to a single replica without a PriorityClass', () => {
    expect(podScheduling(resolveScheduling('x'), { app: 'a' }, 1)).toEqual({});
  });

  test('fails when the pull policy or the PriorityClass name is not allowed', () => {
    expect(() => resolveScheduling('environments/prod', { imagePullPolicy: 'Sometimes' as never })).toThrow(
      '[environments/prod] scheduling.imagePullPolicy must be one of Always, IfNotPresent, Never, got "Sometimes"',
    );
    expect(() => resolveScheduling('environments/prod', { priorityClassName: 'system-cluster-critical' })).toThrow(
      '[environments/prod] scheduling.priorityClassName must be a DNS subdomain not starting with system-, got "system-cluster-critical"',
    );
  });
});
