import { Datastore } from '../constructs/datastores/datastore';
import { IEndpoint } from '../constructs/endpoint';
import { NetworkEdge } from '../constructs/network-edge';
import { Environment } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { ClusterComponents } from '../model/cluster-components';
import { NetworkPolicyMode } from '../model/network-policy-mode';
import { DNS_RULE, EgressRule, egressClients } from './egress-clients';
import { NamespaceBundle } from '../constructs/namespace-bundle';
import { jobEndpointsIn } from '../constructs/job-template';

const WAIVE_SELECTOR = 'stagecraft.dev/waive.network-policy-selector';

/** The namespace peer of a NetworkPolicy rule, by the label Kubernetes sets on every Namespace. */
export function namespacePeer(namespace: string): { namespaceSelector: { matchLabels: Record<string, string> } } {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } };
}

/**
 * Every NetworkPolicy of `env`, derived from exposures, connections, backups, operators and
 * the Jobs of namespace `bundles` that reach into the environment's namespace.
 */
export function networkPolicies(
  env: Environment,
  services: readonly Microservice[],
  datastores: readonly Datastore[],
  cluster: ClusterComponents,
  labels: Record<string, string>,
  bundles: readonly NamespaceBundle[] = [],
): object[] {
  const policy = (name: string, spec: object, annotations?: Record<string, string>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels, ...(annotations ? { annotations } : {}) },
    spec,
  });
  const operatorWaiver = (endpoint: IEndpoint) => {
    const operator = endpoint.operatorFor(env);
    return operator ? { [WAIVE_SELECTOR]: `pods are created by the ${operator}` } : undefined;
  };
  const exposed = services.filter((s) => s.exposure !== undefined);
  const policies: object[] = [];
  const fromIngressController = exposed.map((s) =>
    policy(`allow-ingress-controller-to-${s.name}`, {
      podSelector: { matchLabels: s.podSelectorFor(env) },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [namespacePeer(cluster.ingressControllerNamespace)], ports: [{ protocol: 'TCP', port: s.port }] },
      ],
    }),
  );
  const fromOperators = datastores
    .filter((d) => d.operatorFor(env))
    .flatMap((d) => {
      const selector = { matchLabels: d.serverPodSelectorFor(env) };
      return [
        policy(
          `allow-${d.name}-operator`,
          {
            podSelector: selector,
            policyTypes: ['Ingress'],
            ingress: [{ from: [namespacePeer(cluster.operatorNamespaces[d.engine.name])] }],
          },
          operatorWaiver(d),
        ),
        policy(
          `allow-${d.name}-peers`,
          { podSelector: selector, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: selector }] }] },
          operatorWaiver(d),
        ),
      ];
    });

  // A bundle's Jobs run in another namespace: in either mode nothing else admits them.
  const fromBundleJobs = bundles.flatMap((bundle) =>
    bundle.templates.flatMap((template) =>
      jobEndpointsIn(template, env)
        .filter((to) => to.podSelectorFor(env) !== undefined)
        .map((to) =>
          policy(
            `allow-${bundle.namespace}-${template.name}-to-${to.name}`,
            {
              podSelector: { matchLabels: to.podSelectorFor(env) },
              policyTypes: ['Ingress'],
              ingress: [
                {
                  from: [
                    { ...namespacePeer(bundle.namespace), podSelector: { matchLabels: { ...template.podSelector } } },
                  ],
                  ports: to.portsFor(env).map((port) => ({ protocol: 'TCP', port })),
                },
              ],
            },
            operatorWaiver(to),
          ),
        ),
    ),
  );

  const metrics = env.operations.metrics;
  // Prometheus runs in its own namespace; every policy here admits only this one's pods.
  const fromPrometheus = services
    .filter((s) => metrics.enabled && s.metricsEndpoint !== undefined)
    .map((s) =>
      policy(`allow-prometheus-to-${s.name}`, {
        podSelector: { matchLabels: s.podSelectorFor(env) },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [namespacePeer(metrics.prometheusNamespace)],
            ports: [{ protocol: 'TCP', port: s.metricsEndpoint!.port }],
          },
        ],
      }),
    );
  for (const d of datastores) {
    const endpoint = d.metricsEndpointIn(env);
    if (!endpoint) continue;
    fromPrometheus.push(
      policy(
        `allow-prometheus-to-${d.name}`,
        {
          podSelector: { matchLabels: { ...endpoint.selector } },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [namespacePeer(metrics.prometheusNamespace)], ports: [{ protocol: 'TCP', port: endpoint.port }] },
          ],
        },
        operatorWaiver(d),
      ),
    );
  }

  if (env.networkPolicy === NetworkPolicyMode.ALLOW_NAMESPACE) {
    policies.push(
      policy('allow-same-namespace', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }] }],
      }),
      ...fromIngressController,
      ...fromPrometheus,
      ...fromOperators,
      ...fromBundleJobs,
    );
    return policies;
  }

  const plans = datastores.map((d) => d.planIn(env));
  const edges: NetworkEdge[] = [
    ...services.flatMap((s) =>
      s.endpoints.map((to) => ({ from: { name: s.name, selector: s.podSelectorFor(env) }, to })),
    ),
    // A dump job and a pooler connect to their database (the pooler on the clients' behalf).
    ...plans.flatMap((p) => p.edges.backup ?? []),
    ...plans.flatMap((p) => p.edges.pooler ?? []),
  ];
  const unique = new Map(edges.map((e) => [`${e.from.name}->${e.to.name}`, e]));
  policies.push(
    policy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    // Egress too: a pod reaches only DNS and the connections the model gives it.
    policy('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
    policy('allow-dns-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [egressRule(DNS_RULE)] }),
    ...fromIngressController,
    ...fromPrometheus,
  );
  if (env.tls?.kind === 'acme') {
    // cert-manager answers ACME HTTP-01 challenges from a solver pod in this namespace.
    policies.push(
      policy(
        'allow-ingress-controller-to-acme-solver',
        {
          podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [namespacePeer(cluster.ingressControllerNamespace)], ports: [{ protocol: 'TCP', port: 8089 }] },
          ],
        },
        { [WAIVE_SELECTOR]: 'pods are created by cert-manager for ACME HTTP-01 challenges' },
      ),
    );
  }
  for (const edge of [...unique.values()].filter((e) => e.to.podSelectorFor(env) !== undefined)) {
    policies.push(
      policy(
        `allow-${edge.from.name}-to-${edge.to.name}`,
        {
          podSelector: { matchLabels: edge.to.podSelectorFor(env) },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [{ podSelector: { matchLabels: edge.from.selector } }],
              ports: edge.to.portsFor(env).map((port) => ({ protocol: 'TCP', port })),
            },
          ],
        },
        operatorWaiver(edge.to),
      ),
    );
  }
  policies.push(...fromOperators, ...fromBundleJobs);
  for (const client of egressClients(env, services, datastores, cluster)) {
    const reasons = [client.operator?.name, ...client.rules.map((r) => r.operator)].filter(
      (o): o is string => o !== undefined,
    );
    policies.push(
      policy(
        `allow-${client.name}-egress`,
        {
          podSelector: { matchLabels: client.selector },
          policyTypes: ['Egress'],
          egress: client.rules.map(egressRule),
        },
        // The gate sees no pod template behind an operator's labels: say who creates the pods.
        reasons.length > 0 ? { [WAIVE_SELECTOR]: `pods are created by the ${reasons[reasons.length - 1]}` } : undefined,
      ),
    );
  }
  return policies;
}

/** A NetworkPolicy egress rule: one peer, its ports (none listed: every port). */
export function egressRule(rule: EgressRule): object {
  return { to: [rule.peer.toPeer()], ...(rule.ports ? { ports: rule.ports.map((p) => ({ ...p })) } : {}) };
}
