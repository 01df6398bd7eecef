import { App } from 'cdk8s';
import { EnvironmentTable, JobGrant, JobTemplate, Microservice, NamespaceBundle, Platform, Scaling } from '../lib';
import { render } from '../lib/synth/render';

const RESOURCES = { cpu: '100m', memory: '128Mi' };

function setup(namespaces: string[] = ['platform']) {
  const platform = new Platform(new App(), 'vision', {
    environments: new EnvironmentTable(
      namespaces.map((namespace, i) => ({
        name: `env${i}`,
        namespace,
        scaling: Scaling.fixed(1),
        resources: RESOURCES,
      })),
    ),
  });
  const backend = new Microservice(platform, 'backend', { image: 'vision/backend', port: 8000, initialTag: '1.0.0' });
  const bundle = new NamespaceBundle(platform, 'training', {
    namespace: 'training',
    initialTags: { 'vision/trainer': '1.0.0' },
  });
  return { platform, backend, bundle };
}

describe('NamespaceBundle', () => {
  test('renders its base and one namespace-free overlay per environment, keeping an existing pin', () => {
    // GIVEN a bundle with a template and an overlay that already pins 1.1.0
    const { platform, bundle } = setup();
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'training', image: 'vision/trainer', resources: RESOURCES });
    // WHEN rendered
    const files = new Map(
      render(platform, { outdir: 'dist' }, (file, image) =>
        file === 'overlays/env0/training/kustomization.yaml' && image === 'vision/trainer'
          ? { newTag: '1.1.0' }
          : undefined,
      ).entries(),
    );
    // THEN the bundle has its own base and an overlay without a namespace transformer
    expect(files.get('dist/training/kustomization.yaml')).toContain('- cronjob-trainer.yaml');
    const overlay = files.get('overlays/env0/training/kustomization.yaml') ?? '';
    expect(overlay).not.toContain('namespace:');
    expect(overlay).toContain('newTag: 1.1.0');
  });

  test('fails when a template is in another namespace than its bundle', () => {
    const { platform, bundle } = setup();
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'jobs', image: 'vision/trainer', resources: RESOURCES });
    expect(() => render(platform)).toThrow(
      '[vision/training/objects/trainer] namespace "jobs" differs from its bundle\'s; allowed: training',
    );
  });

  test('fails when a template image has no initial tag', () => {
    const { platform, bundle } = setup();
    new JobTemplate(bundle.chart, 'trainer', { namespace: 'training', image: 'vision/other', resources: RESOURCES });
    expect(() => render(platform)).toThrow(
      '[vision/training] no initial tag for image "vision/other"; allowed: vision/trainer',
    );
  });

  test('fails when a granted service runs in another namespace in some environment', () => {
    const { platform, backend, bundle } = setup(['platform', 'platform-prod']);
    const template = new JobTemplate(bundle.chart, 'trainer', {
      namespace: 'training',
      image: 'vision/trainer',
      resources: RESOURCES,
    });
    new JobGrant(bundle.chart, 'grant', { template, service: backend, serviceNamespace: 'platform' });
    expect(() => render(platform)).toThrow(
      '[vision/training/objects/grant] serviceNamespace "platform" differs from environment "env1"\'s namespace "platform-prod"',
    );
  });
});
