import { App } from 'cdk8s';
import { EnvironmentTable, Microservice, Platform, Scaling } from '../lib';
import { render } from '../lib/synth/render';
import { environmentProps } from './fixtures/platforms/bazaar';

describe('environment table', () => {
  const environments = new EnvironmentTable(environmentProps);

  test('promotion order comes from promotedFrom links', () => {
    expect(environments.promotionChains().map((chain) => chain.map((e) => e.name))).toEqual([
      ['dev', 'staging', 'prod'],
    ]);
    expect(environments.upstreamOf('prod').map((e) => e.name)).toEqual(['staging', 'dev']);
    expect(environments.downstreamOf('dev').map((e) => e.name)).toEqual(['staging']);
  });

  test('fails when an unknown environment is asked for', () => {
    expect(() => environments.get('qa')).toThrow(
      '[environments] unknown environment "qa"; allowed: dev, staging, prod',
    );
  });

  test('a fourth environment is one more entry, and per-service overrides win over it', () => {
    const table = new EnvironmentTable([
      ...environmentProps.map((e) => ({ ...e, serviceVariables: {} })),
      {
        name: 'preprod',
        namespace: 'bazaar-preprod',
        scaling: Scaling.fixed(3),
        resources: { cpu: '400m', memory: '512Mi' },
        promotedFrom: 'staging',
        variables: { LOG_LEVEL: 'INFO' },
      },
    ]);
    const platform = new Platform(new App(), 'bazaar', { environments: table });
    const service = new Microservice(platform, 'catalogue', {
      image: 'bazaar/catalogue',
      port: 5000,
      initialTag: '1.0.0',
      overrides: { preprod: { resources: { memory: '1Gi' } } },
    });
    const settings = service.settingsFor(table.get('preprod'));
    expect(settings.resources).toEqual({
      requests: { cpu: '400m', memory: '1Gi' },
      limits: { cpu: '400m', memory: '1Gi' },
    });
    expect(settings.scaling.replicas).toBe(3);
    expect(table.promotionChains().map((c) => c.map((e) => e.name))).toEqual([
      ['dev', 'staging', 'prod'],
      ['dev', 'staging', 'preprod'],
    ]);
    const files = Object.fromEntries(render(platform).entries());
    expect(files['overlays/preprod/catalogue/deployment-patch.yaml']).toContain('memory: 1Gi');
    expect(files['overlays/preprod/catalogue/kustomization.yaml']).toContain('namespace: bazaar-preprod');
    expect(files['overlays/preprod/kustomization.yaml']).toContain('  - catalogue\n');
  });

  test('disruption budgets default on where more than one pod can run', () => {
    expect(environments.environments.map((e) => [e.name, e.disruptionBudget])).toEqual([
      ['dev', false],
      ['staging', true],
      ['prod', true],
      ['kind', false],
      ['kind-headless', false],
    ]);
  });
});
