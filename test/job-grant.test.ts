import { Testing } from 'cdk8s';
import { JobGrant, JobTemplate } from '../lib';

function trainer() {
  const chart = Testing.chart();
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
    new JobGrant(chart, 'grant', { template, serviceAccount: 'backend', serviceAccountNamespace: 'platform' });
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
  });

  test('fails when the ServiceAccount namespace is not a DNS-1123 label', () => {
    const { chart, template } = trainer();
    expect(
      () => new JobGrant(chart, 'grant', { template, serviceAccount: 'backend', serviceAccountNamespace: 'Platform' }),
    ).toThrow(
      `[test/grant] serviceAccountNamespace must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with an alphanumeric, at most 63 characters), got "Platform"`,
    );
  });
});
