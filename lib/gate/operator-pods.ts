import { K8sObject } from '../kube/object';
import { RawFinding } from './findings';

/** The security settings an operator's custom resource passes to one group of the pods it creates. */
export interface OperatorPodGroup {
  /** Where in the custom resource the group's settings sit, e.g. `spec.template`. */
  readonly where: string;
  /** The pod security context. */
  readonly pod: Record<string, any>;
  /** Each container's name and security context. */
  readonly containers: ReadonlyArray<{ readonly name: string; readonly securityContext: Record<string, any> }>;
}

type Extract = (spec: Record<string, any>) => OperatorPodGroup[];

const podSpecGroup = (where: string, spec: Record<string, any> | undefined): OperatorPodGroup => ({
  where,
  pod: spec?.securityContext ?? {},
  containers: [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c: Record<string, any>) => ({
    name: c.name,
    securityContext: c.securityContext ?? {},
  })),
});

/**
 * Per operator kind, the pod groups its pods are made from. A group the resource does not
 * configure still counts (empty contexts): the operator's defaults are what would run.
 */
const EXTRACTORS: Record<string, Extract> = {
  'postgresql.cnpg.io/Pooler': (s) => [
    podSpecGroup('spec.template.spec', s.template?.spec ?? { containers: [{ name: 'pgbouncer' }] }),
  ],
  'mongodbcommunity.mongodb.com/MongoDBCommunity': (s) => [
    podSpecGroup(
      'spec.statefulSet.spec.template.spec',
      s.statefulSet?.spec?.template?.spec ?? { containers: [{ name: 'mongod' }, { name: 'mongodb-agent' }] },
    ),
  ],
  'kafka.strimzi.io/KafkaNodePool': (s) => [
    {
      where: 'spec.template',
      pod: s.template?.pod?.securityContext ?? {},
      containers: [{ name: 'kafka', securityContext: s.template?.kafkaContainer?.securityContext ?? {} }],
    },
  ],
  'kafka.strimzi.io/Kafka': (s) =>
    s.entityOperator
      ? [
          {
            where: 'spec.entityOperator.template',
            pod: s.entityOperator.template?.pod?.securityContext ?? {},
            containers: [
              ...(s.entityOperator.topicOperator
                ? [
                    {
                      name: 'topic-operator',
                      securityContext: s.entityOperator.template?.topicOperatorContainer?.securityContext ?? {},
                    },
                  ]
                : []),
              ...(s.entityOperator.userOperator
                ? [
                    {
                      name: 'user-operator',
                      securityContext: s.entityOperator.template?.userOperatorContainer?.securityContext ?? {},
                    },
                  ]
                : []),
            ],
          },
        ]
      : [],
  // An enabled exporter sidecar runs in the same pods, with its own container security context.
  'databases.spotahome.com/RedisFailover': (s) =>
    (['redis', 'sentinel'] as const).map((g) => ({
      where: `spec.${g}`,
      pod: s[g]?.securityContext ?? {},
      containers: [
        { name: g, securityContext: s[g]?.containerSecurityContext ?? {} },
        ...(s[g]?.exporter?.enabled
          ? [{ name: `${g}-exporter`, securityContext: s[g].exporter.containerSecurityContext ?? {} }]
          : []),
      ],
    })),
  'redis.redis.opstreelabs.in/RedisCluster': (s) =>
    (['redisLeader', 'redisFollower'] as const).map((g) => ({
      where: `spec.${g}`,
      pod: s.podSecurityContext ?? {},
      containers: [
        { name: g, securityContext: s[g]?.securityContext ?? {} },
        ...(s.redisExporter?.enabled
          ? [{ name: 'redis-exporter', securityContext: s.redisExporter.securityContext ?? {} }]
          : []),
      ],
    })),
};

/** The pod groups of an operator's custom resource, or undefined when `o` is not one the gate knows. */
export function operatorPodGroups(o: K8sObject): OperatorPodGroup[] | undefined {
  const group = o.apiVersion.split('/')[0];
  const extract = EXTRACTORS[`${group}/${o.kind}`];
  return extract ? extract((o.spec ?? {}) as Record<string, any>) : undefined;
}

/** What the Pod Security Standard `level` forbids in one pod group, one message per problem. */
export function podSecurityProblems(g: OperatorPodGroup, level: 'baseline' | 'restricted'): string[] {
  const problems: string[] = [];
  const seccomp = (ctx: Record<string, any>) => ctx.seccompProfile?.type;
  for (const c of g.containers) {
    const ctx = c.securityContext;
    const at = `${g.where} container ${c.name}`;
    if (ctx.privileged === true) problems.push(`${at} is privileged`);
    if (ctx.procMount !== undefined && ctx.procMount !== 'Default')
      problems.push(`${at} sets procMount ${ctx.procMount}`);
    if (ctx.windowsOptions?.hostProcess === true || g.pod.windowsOptions?.hostProcess === true)
      problems.push(`${at} is a Windows hostProcess container`);
    if (level === 'baseline') continue;
    if (ctx.allowPrivilegeEscalation !== false) problems.push(`${at} must set allowPrivilegeEscalation: false`);
    if (!(ctx.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at} must drop ALL capabilities`);
    const added = (ctx.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length > 0) problems.push(`${at} adds capabilities ${added.join(', ')}`);
    if (ctx.runAsNonRoot !== true && g.pod.runAsNonRoot !== true)
      problems.push(`${at} must run with runAsNonRoot: true`);
    if (ctx.runAsUser === 0 || (ctx.runAsUser === undefined && g.pod.runAsUser === 0))
      problems.push(`${at} runs as user 0`);
    const profile = seccomp(ctx) ?? seccomp(g.pod);
    if (profile !== 'RuntimeDefault' && profile !== 'Localhost')
      problems.push(`${at} must set seccompProfile RuntimeDefault or Localhost (pod or container)`);
  }
  return problems;
}

/**
 * Environment check: the pods operators create from custom resources meet the Pod Security
 * level their Namespace enforces (`pod-security.kubernetes.io/enforce`), which the admission
 * controller applies to them as to any pod.
 */
export function checkOperatorPodSecurity(objects: readonly K8sObject[]): RawFinding[] {
  const levels = new Map<string, string>();
  for (const o of objects) {
    const level = o.kind === 'Namespace' ? o.metadata.labels?.['pod-security.kubernetes.io/enforce'] : undefined;
    if (level) levels.set(o.metadata.name, level);
  }
  const findings: RawFinding[] = [];
  for (const o of objects) {
    const groups = operatorPodGroups(o);
    const level = levels.get(o.metadata.namespace ?? '');
    if (!groups || (level !== 'restricted' && level !== 'baseline')) continue;
    for (const g of groups) {
      for (const message of podSecurityProblems(g, level)) {
        findings.push({
          object: o,
          check: 'operator-pod-security',
          message: `${message}: namespace ${o.metadata.namespace} enforces ${level}`,
        });
      }
    }
  }
  return findings;
}
