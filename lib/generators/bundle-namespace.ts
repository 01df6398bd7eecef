import { NamespaceBundle } from '../constructs/namespace-bundle';
import { jobEndpointsIn, JobTemplate } from '../constructs/job-template';
import { Environment } from '../model/environment';
import { NetworkPolicyMode } from '../model/network-policy-mode';
import { jobFootprint, limitRangeObject, namespaceObject, resourceQuotaObject } from './namespace';
import { DNS_RULE } from './egress-clients';
import { egressRule, namespacePeer } from './network-policies';

/** Argo CD sync-wave annotation. */
const WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * The files of a namespace bundle's overlay in `env` besides its kustomization, each a list of
 * objects: the bundle's Namespace with the environment's Pod Security labels, its
 * ResourceQuota and LimitRange sized from the Jobs, and its NetworkPolicies. Every object
 * names the bundle's namespace itself, as the overlay sets none.
 */
export function bundleNamespaceObjects(
  bundle: NamespaceBundle,
  env: Environment,
  labels: Record<string, string>,
): Record<string, object[]> {
  const inBundle = (o: object, wave: string): object => {
    const { apiVersion, kind, metadata, ...rest } = o as { apiVersion: string; kind: string; metadata: object };
    return {
      apiVersion,
      kind,
      metadata: { ...metadata, namespace: bundle.namespace, annotations: { [WAVE]: wave } },
      ...rest,
    };
  };
  const f = jobFootprint(bundle.templates);
  const namespace = namespaceObject(bundle.namespace, env.podSecurity, labels) as { metadata: object };
  return {
    'namespace.yaml': [{ ...namespace, metadata: { ...namespace.metadata, annotations: { [WAVE]: '-2' } } }],
    'resourcequota.yaml': [inBundle(resourceQuotaObject(f, labels), '-1')],
    'limitrange.yaml': [inBundle(limitRangeObject(env, f, labels), '-1')],
    'network-policies.yaml': bundleNetworkPolicies(bundle, env, labels).map((p) => inBundle(p, '-1')),
  };
}

/**
 * The NetworkPolicies of a bundle's namespace in `env`. Jobs serve nothing, so ingress is
 * always denied; where the environment denies by default, egress is denied too and each
 * template's Jobs may reach only the DNS and the endpoints of its `dependsOn`, in the
 * environment's namespace (or, for an endpoint outside the cluster, its ports anywhere).
 */
export function bundleNetworkPolicies(
  bundle: NamespaceBundle,
  env: Environment,
  labels: Record<string, string>,
): object[] {
  const policy = (name: string, spec: object) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels },
    spec,
  });
  const denyIngress = policy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
  if (env.networkPolicy !== NetworkPolicyMode.DEFAULT_DENY) return [denyIngress];
  return [
    denyIngress,
    policy('default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
    ...bundle.templates.map((template) =>
      policy(`allow-${template.name}-egress`, {
        podSelector: { matchLabels: { ...template.podSelector } },
        policyTypes: ['Egress'],
        egress: [egressRule(DNS_RULE), ...jobEgress(template, env)],
      }),
    ),
  ];
}

/** One egress rule per endpoint the template's Jobs reach in `env`. */
function jobEgress(template: JobTemplate, env: Environment): object[] {
  const unique = new Map(jobEndpointsIn(template, env).map((t) => [t.name, t]));
  return [...unique.values()].map((t) => {
    const selector = t.podSelectorFor(env);
    return {
      to: [
        selector
          ? { ...namespacePeer(env.namespace), podSelector: { matchLabels: selector } }
          : { ipBlock: { cidr: '0.0.0.0/0' } },
      ],
      ports: t.portsFor(env).map((port) => ({ protocol: 'TCP', port })),
    };
  });
}
