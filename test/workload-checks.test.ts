import { checkWorkloadEnvironment, checkWorkloadObject } from '../lib/gate/workload-checks';
import { K8sObject } from '../lib/kube/object';

const selector = { 'app.kubernetes.io/name': 'cart' };
function deployment(spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'cart', namespace: 'shop-prod', labels: { 'app.kubernetes.io/instance': 'cart' } },
    spec: {
      selector: { matchLabels: selector },
      ...spec,
      template: {
        metadata: { labels: selector },
        spec: {
          priorityClassName: 'shop-critical',
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
          ],
          containers: [{ name: 'cart', image: 'shop/cart:1.0.0', imagePullPolicy: 'Always' }],
          ...podSpec,
        },
      },
    },
  };
}
const checks = (fs: ReturnType<typeof checkWorkloadObject>) => fs.map((f) => [f.check, f.message]);
const hpa: K8sObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'cart', namespace: 'shop-prod' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart' },
    minReplicas: 3,
    maxReplicas: 10,
  },
};

describe('the Polaris and kube-linter workload checks', () => {
  test('a spread, prioritized, Always-pulled Deployment of 3 with its instance label passes', () => {
    expect(checks(checkWorkloadObject(deployment({ replicas: 3 })))).toEqual([]);
    expect(checks(checkWorkloadEnvironment([deployment({ replicas: 3 })]))).toEqual([]);
    expect(checks(checkWorkloadEnvironment([deployment(), hpa]))).toEqual([['replicas', 'no spec.replicas']]);
    // ...which the gate accepts (Polaris's deploymentMissingReplicas fires on it): a waiver with its reason.
    expect(checkWorkloadEnvironment([deployment(), hpa])[0].accepted).toBe(
      'no spec.replicas: HorizontalPodAutoscaler/cart sets it, and a value in git would be reset on every sync',
    );
  });

  test('fails when pods name no PriorityClass, pull IfNotPresent, do not spread or mismatch the instance label', () => {
    const d = deployment(
      { replicas: 3 },
      {
        priorityClassName: undefined,
        topologySpreadConstraints: undefined,
        containers: [
          {
            name: 'cart',
            image: 'shop/cart:1.0.0',
            imagePullPolicy: 'IfNotPresent',
            securityContext: { procMount: 'Unmasked', windowsOptions: { hostProcess: true } },
          },
        ],
      },
    );
    const mislabelled = { ...d, metadata: { ...d.metadata, labels: { 'app.kubernetes.io/instance': 'other' } } };
    expect(checks(checkWorkloadObject(mislabelled))).toEqual([
      ['proc-mount', 'container cart securityContext.procMount is Unmasked: only Default is allowed'],
      ['host-process', 'container cart is a Windows hostProcess container'],
      ['pull-policy', 'container cart imagePullPolicy is IfNotPresent: Always runs what the registry holds'],
      ['priority-class', 'priorityClassName is not set: the pods get the cluster default priority'],
      ['topology-spread', 'no topologySpreadConstraints: a node or zone failure may take every pod'],
      ['instance-label', 'label app.kubernetes.io/instance must equal metadata.name "cart", got "other"'],
    ]);
  });

  test('a CronJob without a PriorityClass is flagged (Polaris priorityClassNotSet covers jobs), but needs no spread', () => {
    const cronJob: K8sObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup', namespace: 'shop-prod', labels: { 'app.kubernetes.io/instance': 'backup' } },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                containers: [{ name: 'backup', image: 'shop/backup:1.0.0', imagePullPolicy: 'Always' }],
              },
            },
          },
        },
      },
    };
    expect(checks(checkWorkloadObject(cronJob))).toEqual([
      ['priority-class', 'priorityClassName is not set: the pods get the cluster default priority'],
    ]);
  });

  test('fails when a Deployment of 3 or scaled by an HPA does not spread across nodes, or runs 1 replica without an HPA', () => {
    const zoneOnly = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone' }] };
    expect(checks(checkWorkloadEnvironment([deployment({ replicas: 3 }, zoneOnly)]))).toEqual([
      [
        'spread-replicas',
        '3 replicas with no topologySpreadConstraints on kubernetes.io/hostname (or pod anti-affinity): every pod may land on one node',
      ],
    ]);
    expect(checks(checkWorkloadEnvironment([deployment({}, zoneOnly), hpa]))).toEqual([
      [
        'spread-replicas',
        'scaled by HorizontalPodAutoscaler/cart with no topologySpreadConstraints on kubernetes.io/hostname (or pod anti-affinity): every pod may land on one node',
      ],
      ['replicas', 'no spec.replicas'],
    ]);
    expect(checks(checkWorkloadEnvironment([deployment({ replicas: 1 })]))).toEqual([
      ['replicas', '1 replica and no HorizontalPodAutoscaler: a single pod is down on every restart'],
    ]);
  });

  test('fails when an HPA allows one pod, an Ingress has no TLS or a PDB leaves unhealthy eviction unset', () => {
    const obj = (kind: string, spec: Record<string, unknown>): K8sObject => ({
      apiVersion: 'v1',
      kind,
      metadata: { name: 'x' },
      spec,
    });
    expect(checks(checkWorkloadObject(obj('HorizontalPodAutoscaler', { minReplicas: 1, maxReplicas: 3 })))).toEqual([
      ['hpa-min-replicas', 'minReplicas 1 leaves a single pod: set at least 2'],
    ]);
    expect(checks(checkWorkloadObject(obj('Ingress', { rules: [] })))).toEqual([
      ['ingress-tls', 'spec.tls is not set: serve over TLS'],
    ]);
    expect(checks(checkWorkloadObject(obj('PodDisruptionBudget', { maxUnavailable: 1 })))).toEqual([
      [
        'pdb-unhealthy-eviction',
        'spec.unhealthyPodEvictionPolicy is not set: AlwaysAllow lets a drain evict pods that never became ready',
      ],
    ]);
  });

  test('fails when RBAC grants exec or attach, every verb on everything, or binds cluster-admin', () => {
    const role: K8sObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'debug' },
      rules: [
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] },
      ],
    } as K8sObject;
    expect(checks(checkWorkloadObject(role))).toEqual([
      ['rbac-pod-exec', 'rule grants create on pods/exec: no exec into or attach to pods'],
      ['rbac-pod-exec', 'rule grants * on *: no exec into or attach to pods'],
      ['rbac-wildcard', 'rule grants every verb on every resource of every group'],
    ]);
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ops' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    } as K8sObject;
    expect(checks(checkWorkloadObject(binding))).toEqual([
      ['rbac-cluster-admin', 'binds ClusterRole cluster-admin: grant a Role with only the verbs needed'],
    ]);
  });
});
