import { App } from 'cdk8s';
import { Datastore, DatastoreEngine, DatastoreTopology, EnvironmentTable, Platform, Scaling } from '../lib';
import { checkOperatorPodTemplate, operatorPodTemplateOf } from '../lib/gate/operator-templates';
import { K8sObject } from '../lib/kube/object';

/**
 * Two environments with operator-managed PostgreSQL (a CloudNativePG Pooler in front) and
 * MongoDB: `prod` names a PriorityClass, spreads across zones and runs 2 poolers; `stage`
 * names none, pulls IfNotPresent and runs 1 pooler.
 */
function operatorPlatform() {
  const common = { scaling: Scaling.fixed(2), resources: { cpu: '100m', memory: '128Mi' } };
  const table = new EnvironmentTable([
    {
      ...common,
      name: 'stage',
      namespace: 'ops-stage',
      scheduling: { imagePullPolicy: 'IfNotPresent' },
      datastores: { topology: DatastoreTopology.HA, poolers: { pg: { instances: 1 } } },
    },
    {
      ...common,
      name: 'prod',
      namespace: 'ops-prod',
      scheduling: { priorityClassName: 'ops-critical', zoneSpread: true },
      datastores: { topology: DatastoreTopology.HA, poolers: { pg: { instances: 2 } } },
    },
  ]);
  const platform = new Platform(new App(), 'ops', { environments: table });
  const stores = [
    new Datastore(platform, 'pg', { engine: DatastoreEngine.POSTGRESQL }),
    new Datastore(platform, 'docs', { engine: DatastoreEngine.MONGODB }),
  ];
  return (env: string, kind: string): K8sObject =>
    stores
      .flatMap((d) => Object.values(d.overlayObjects(table.get(env)).resources) as K8sObject[])
      .find((o) => o.kind === kind)!;
}

const report = (o: K8sObject) => checkOperatorPodTemplate(o).map((f) => [f.check, f.message, f.accepted ?? null]);

describe('the pod checks on the pod templates operator resources carry', () => {
  const objectOf = operatorPlatform();

  test.each(['stage', 'prod'])('%s: the Pooler fails only what the environment table leaves open', (env) => {
    expect(report(objectOf(env, 'Pooler'))).toEqual([
      [
        'automount-token',
        'spec.template.spec automountServiceAccountToken must be false (mount a projected token only where the API is needed)',
        "CloudNativePG runs its instance manager in container pgbouncer (/controller/manager pgbouncer run), which watches the Pooler and reads its Secrets through the API with the pod's ServiceAccount token",
      ],
      [
        'readiness-probe',
        'spec.template.spec container pgbouncer has no readinessProbe',
        'CloudNativePG gives container pgbouncer its readiness probe when the template sets none: TCP on port 5432, timeout 5s',
      ],
      ...(env === 'stage'
        ? [
            [
              'pull-policy',
              'spec.template.spec container pgbouncer imagePullPolicy is IfNotPresent: Always runs what the registry holds',
              null,
            ],
            [
              'priority-class',
              'spec.template.spec priorityClassName is not set: the pods get the cluster default priority',
              null,
            ],
            [
              'topology-spread',
              'spec.template.spec no topologySpreadConstraints: a node or zone failure may take every pod',
              null,
            ],
          ]
        : []),
    ]);
  });

  test('prod: the Pooler template carries the PriorityClass and spreads its 2 instances by their operator label', () => {
    const template = operatorPodTemplateOf(objectOf('prod', 'Pooler'))!;
    expect(template.where).toBe('spec.template.spec');
    expect(template.pod.replicas).toBe(2);
    const spec = template.pod.spec as Record<string, any>;
    expect(spec.priorityClassName).toBe('ops-critical');
    expect(spec.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.labelSelector.matchLabels])).toEqual([
      ['kubernetes.io/hostname', { 'cnpg.io/poolerName': 'pg-pooler' }],
      ['topology.kubernetes.io/zone', { 'cnpg.io/poolerName': 'pg-pooler' }],
    ]);
    expect(spec.containers[0]).toMatchObject({
      imagePullPolicy: 'Always',
      ports: [{ name: 'pgbouncer', containerPort: 5432 }],
      livenessProbe: { tcpSocket: { port: 'pgbouncer' } },
    });
  });

  test.each(['stage', 'prod'])('%s: MongoDBCommunity fails only what the environment table leaves open', (env) => {
    const mongo = objectOf(env, 'MongoDBCommunity');
    const open = report(mongo).filter(([, , accepted]) => accepted === null);
    expect(open).toEqual(
      env === 'stage'
        ? ['mongod-posthook', 'mongodb-agent-readinessprobe', 'mongod', 'mongodb-agent']
            .map((c) => [
              'pull-policy',
              `spec.statefulSet.spec.template.spec container ${c} imagePullPolicy is IfNotPresent: Always runs what the registry holds`,
              null,
            ])
            .concat([
              [
                'priority-class',
                'spec.statefulSet.spec.template.spec priorityClassName is not set: the pods get the cluster default priority',
                null,
              ],
            ])
        : [],
    );
  });

  test('the MongoDB operator fills the images and the agent readiness probe, and omits the rest by design', () => {
    const accepted = report(objectOf('prod', 'MongoDBCommunity'));
    expect(accepted).toEqual([
      [
        'automount-token',
        'spec.statefulSet.spec.template.spec automountServiceAccountToken must be false (mount a projected token only where the API is needed)',
        "the MongoDB Community operator's readiness probe in container mongodb-agent patches its pod's agent.mongodb.com/version annotation through the API with the pod's ServiceAccount token",
      ],
      [
        'latest-tag',
        'spec.statefulSet.spec.template.spec container mongod-posthook image "" is not pinned to a tag: pin a version or digest',
        "the MongoDB Community operator sets init container mongod-posthook's image from its VERSION_UPGRADE_HOOK_IMAGE setting",
      ],
      [
        'latest-tag',
        'spec.statefulSet.spec.template.spec container mongodb-agent-readinessprobe image "" is not pinned to a tag: pin a version or digest',
        "the MongoDB Community operator sets init container mongodb-agent-readinessprobe's image from its READINESS_PROBE_IMAGE setting",
      ],
      [
        'latest-tag',
        'spec.statefulSet.spec.template.spec container mongod image "" is not pinned to a tag: pin a version or digest',
        "the MongoDB Community operator sets container mongod's image from spec.version (its MDB_COMMUNITY_IMAGE at that version) and changes it with the version",
      ],
      [
        'liveness-probe',
        'spec.statefulSet.spec.template.spec container mongod has no livenessProbe',
        "the MongoDB Community operator sets no liveness probe on mongod: mongod is the container's process (exec mongod), so a crash restarts the container, and before it starts the container waits for the agent's configuration as long as it takes",
      ],
      [
        'readiness-probe',
        'spec.statefulSet.spec.template.spec container mongod has no readinessProbe',
        "the MongoDB Community operator probes container mongodb-agent, not mongod: the pod is ready once the agent's readiness probe finds mongod in goal state",
      ],
      [
        'latest-tag',
        'spec.statefulSet.spec.template.spec container mongodb-agent image "" is not pinned to a tag: pin a version or digest',
        "the MongoDB Community operator sets container mongodb-agent's image from its AGENT_IMAGE setting",
      ],
      [
        'liveness-probe',
        'spec.statefulSet.spec.template.spec container mongodb-agent has no livenessProbe',
        "the MongoDB Community operator sets no liveness probe on mongodb-agent: the agent is the container's process (-noDaemonize), so the container restarts when it exits",
      ],
      [
        'readiness-probe',
        'spec.statefulSet.spec.template.spec container mongodb-agent has no readinessProbe',
        'the MongoDB Community operator gives container mongodb-agent its readiness probe (exec /opt/scripts/readinessprobe): ready once the agent has the member in goal state',
      ],
    ]);
  });

  test('fails when the template sets what the operator would fill badly, or the resource lacks its instance label', () => {
    const mongo = objectOf('prod', 'MongoDBCommunity');
    const spec = mongo.spec as Record<string, any>;
    const template = spec.statefulSet.spec.template;
    const [mongod, ...others] = template.spec.containers;
    const pinnedLatest: K8sObject = {
      ...mongo,
      metadata: { name: 'docs', labels: { 'app.kubernetes.io/instance': 'other' } },
      spec: {
        ...spec,
        statefulSet: {
          spec: {
            ...spec.statefulSet.spec,
            template: { spec: { ...template.spec, containers: [{ ...mongod, image: 'mongo:latest' }, ...others] } },
          },
        },
      },
    };
    expect(report(pinnedLatest).filter(([, , accepted]) => accepted === null)).toEqual([
      [
        'latest-tag',
        'spec.statefulSet.spec.template.spec container mongod image "mongo:latest" is pinned to latest: pin a version or digest',
        null,
      ],
      ['instance-label', 'label app.kubernetes.io/instance must equal metadata.name "docs", got "other"', null],
    ]);
    const bare: K8sObject = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Pooler',
      metadata: { name: 'pg-pooler' },
      spec: { template: { spec: { containers: [{ name: 'pgbouncer', image: 'pgbouncer:latest' }] } } },
    };
    expect(
      report(bare)
        .filter(([, , accepted]) => accepted === null)
        .map(([check]) => check),
    ).toEqual([
      'latest-tag',
      'privilege-escalation',
      'run-as-non-root',
      'read-only-root-fs',
      'capabilities',
      'resources',
      'liveness-probe',
      'pull-policy',
      'priority-class',
      'topology-spread',
      'instance-label',
    ]);
  });

  test('a resource without a pod template, or of another kind, is not checked here', () => {
    const pooler: K8sObject = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Pooler',
      metadata: { name: 'p' },
      spec: {},
    };
    expect(checkOperatorPodTemplate(pooler)).toEqual([]);
    expect(operatorPodTemplateOf(objectOf('prod', 'Cluster'))).toBeUndefined();
  });
});
