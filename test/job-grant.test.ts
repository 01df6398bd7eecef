import { App, Testing } from 'cdk8s';
import { EnvironmentTable, JobGrant, JobTemplate, Microservice, Platform, Scaling } from '../lib';
import { testChart } from './support';

function backend(): Microservice {
  const platform = new Platform(new App(), 'vision', {
    environments: new EnvironmentTable([
      { name: 'kind', namespace: 'platform', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
    ]),
  });
  return new Microservice(platform, 'backend', { image: 'vision/backend', port: 8000, initialTag: '1.0.0' });
}

function trainer() {
  const chart = testChart();
  const template = new JobTemplate(chart, 'trainer', {
    namespace: 'training',
    image: 'vision/trainer',
    resources: { cpu: '2', memory: '4Gi' },
  });
  return { chart, template };
}

describe('JobGrant', () => {
  test('lets one ServiceAccount of another namespace create and watch Jobs in the template namespace, nothing more', () => {
    // GIVEN the backend of namespace platform granted the trainer template
    const { chart, template } = trainer();
    const service = backend();
    new JobGrant(chart, 'grant', { template, service, serviceNamespace: 'platform' });
    // WHEN synthesized
    const [, role, binding] = Testing.synth(chart);
    // THEN the Role lives in training and allows exactly these verbs
    expect(role).toMatchObject({ kind: 'Role', metadata: { name: 'backend-runs-trainer', namespace: 'training' } });
    expect(role.rules).toEqual([
      { apiGroups: ['batch'], resources: ['cronjobs'], resourceNames: ['trainer'], verbs: ['get'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch'] },
    ]);
    expect(binding).toMatchObject({
      kind: 'RoleBinding',
      metadata: { name: 'backend-runs-trainer', namespace: 'training' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'backend-runs-trainer' },
      subjects: [{ kind: 'ServiceAccount', name: 'backend', namespace: 'platform' }],
    });
    // AND only the granted service's pods get an API token
    const deployment = service.baseManifests().find((m) => m.kind === 'Deployment') as any;
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('fails when the service namespace is not a DNS-1123 label', () => {
    const { chart, template } = trainer();
    expect(() => new JobGrant(chart, 'grant', { template, service: backend(), serviceNamespace: 'Platform' })).toThrow(
      `[test/grant] serviceNamespace must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with an alphanumeric, at most 63 characters), got "Platform"`,
    );
  });
});
