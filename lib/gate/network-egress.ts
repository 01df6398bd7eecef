import { cidrContains, cidrsOverlap } from '../core/cidr';
import { DNS_RULE, EgressClient, EgressPort, EgressRule } from '../generators/egress-clients';
import { EgressPeer, NAMESPACE_NAME_LABEL } from '../generators/egress-peer';
import { K8sObject } from '../kube/object';
import { RawFinding } from './findings';
import { podTemplateOf, selects } from './pods';

/** What the gate knows of an environment's egress, from the model. */
export interface EgressExpectations {
  /** The environment, in messages. */
  readonly env: string;
  /** Whether its table asks for default-deny network policies. */
  readonly defaultDeny: boolean;
  /** The pods that open connections and where to (besides DNS, which every pod needs). */
  readonly clients: readonly EgressClient[];
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
type PolicyPeer = {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
};
type PolicyPort = { protocol?: string; port?: number | string; endPort?: number };
type PolicyRule = { to?: PolicyPeer[]; ports?: PolicyPort[] };
type PolicySpec = { podSelector?: Selector; policyTypes?: string[]; egress?: PolicyRule[] };

/**
 * In an environment whose table asks for default-deny: one NetworkPolicy denies all egress
 * (every pod, `policyTypes: [Egress]`, no rule), and every connection the model knows of each
 * pod template (and of the pods an operator creates) is allowed by an egress rule of a policy
 * that selects those pods: DNS for every pod, then its own connections. A removed or narrowed
 * allow, or a hand-edited selector or port, is an error naming the pods and the missing edge.
 */
export function checkNetworkEgress(objects: readonly K8sObject[], expected?: EgressExpectations): RawFinding[] {
  if (!expected?.defaultDeny) return [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const findings: RawFinding[] = [];
  const denies = policies.some((p) => {
    const spec = p.spec as PolicySpec;
    return isEmpty(spec.podSelector) && (spec.policyTypes ?? []).includes('Egress') && (spec.egress ?? []).length === 0;
  });
  if (!denies) {
    findings.push({
      check: 'network-egress',
      message: `no NetworkPolicy denies all egress (podSelector {}, policyTypes [Egress], no egress rule), though environment ${expected.env} is default-deny`,
    });
  }
  const missing = (object: K8sObject, who: string, labels: Readonly<Record<string, string>>, rule: EgressRule) => {
    const namespace = object.metadata.namespace ?? policies[0]?.metadata.namespace;
    const applying = policies.filter((p) => p.metadata.namespace === namespace && selectsPods(p, labels));
    for (const port of rule.ports ?? [undefined]) {
      if (applying.some((p) => allows(p, namespace, rule.peer, port))) continue;
      findings.push({
        object,
        check: 'network-egress',
        message: `${who} cannot reach ${rule.target} (${rule.peer.describe()}) on ${describePort(port)}: no egress rule of a NetworkPolicy selecting its pods allows it`,
      });
    }
  };
  for (const o of objects) {
    const pod = podTemplateOf(o);
    if (!pod) continue;
    missing(o, o.metadata.name, pod.labels, DNS_RULE);
    for (const client of expected.clients.filter((c) => !c.operator && selects(c.selector, pod.labels))) {
      for (const rule of client.rules) missing(o, client.name, pod.labels, rule);
    }
  }
  // Pods an operator creates have no template here: their labels stand for them.
  for (const client of expected.clients) {
    if (!client.operator) continue;
    const [kind, name] = client.operator.customResource.split('/');
    const owner = objects.find((o) => o.kind === kind && o.metadata.name === name) ?? {
      apiVersion: '',
      kind,
      metadata: { name },
    };
    for (const rule of [DNS_RULE, ...client.rules]) missing(owner, client.name, client.selector, rule);
  }
  return findings;
}

function isEmpty(selector: Selector): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

/** Whether `policy` restricts the egress of pods with `labels` (its rules are theirs). */
function selectsPods(policy: K8sObject, labels: Readonly<Record<string, string>>): boolean {
  const spec = policy.spec as PolicySpec;
  const types = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  return types.includes('Egress') && spec.podSelector !== undefined && selects(spec.podSelector, labels);
}

/** Whether one of `policy`'s egress rules lets its pods reach `peer` on `port` (undefined: every port). */
function allows(policy: K8sObject, namespace: string | undefined, peer: EgressPeer, port?: EgressPort): boolean {
  return ((policy.spec as PolicySpec).egress ?? []).some((rule) => {
    const ports = rule.ports ?? [];
    const portAllowed =
      ports.length === 0 ||
      (port !== undefined &&
        ports.some(
          (p) =>
            (p.protocol ?? 'TCP') === port.protocol &&
            (p.port === undefined ||
              (typeof p.port === 'number' && port.port >= p.port && port.port <= (p.endPort ?? p.port))),
        ));
    const to = rule.to ?? [];
    return portAllowed && (to.length === 0 || to.some((entry) => peerAllows(entry, namespace, peer)));
  });
}

/** Whether one `to` entry of a rendered rule covers `peer`, seen from pods in `namespace`. */
function peerAllows(entry: PolicyPeer, namespace: string | undefined, peer: EgressPeer): boolean {
  if (peer.cidr !== undefined) {
    const block = entry.ipBlock;
    return (
      block !== undefined &&
      cidrContains(block.cidr, peer.cidr) &&
      !(block.except ?? []).some((except) => cidrsOverlap(except, peer.cidr!))
    );
  }
  if (entry.ipBlock !== undefined) return false;
  if (peer.namespace === '*') {
    if (!isEmpty(entry.namespaceSelector)) return false;
  } else {
    const target = peer.namespace ?? namespace;
    const inNamespace = entry.namespaceSelector
      ? target !== undefined && selects(entry.namespaceSelector, { [NAMESPACE_NAME_LABEL]: target })
      : target === namespace;
    if (!inNamespace) return false;
  }
  if (entry.podSelector === undefined) return true;
  return peer.selector ? selects(entry.podSelector, peer.selector) : isEmpty(entry.podSelector);
}

function describePort(port: EgressPort | undefined): string {
  return port ? `${port.protocol} ${port.port}` : 'every port';
}
