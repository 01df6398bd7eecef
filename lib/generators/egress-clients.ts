import { Datastore } from '../constructs/datastores/datastore';
import { BackupMethod } from '../constructs/datastores/datastore-backup';
import { Microservice } from '../constructs/microservice';
import { NetworkClient, NetworkEdge } from '../constructs/network-edge';
import { objectStoreEndpoint } from '../model/backup';
import { ClusterComponents } from '../model/cluster-components';
import { Environment } from '../model/environment';
import { EgressPeer } from './egress-peer';

/** One port an egress rule opens. */
export interface EgressPort {
  /** Protocol. */
  readonly protocol: 'TCP' | 'UDP';
  /** Port number. */
  readonly port: number;
}

/** One connection pods open, as an egress rule: where to, on which ports. */
export interface EgressRule {
  /** What the pods reach, in messages: `postgresql`, `the Kubernetes API server`. */
  readonly target: string;
  /** Where it is. */
  readonly peer: EgressPeer;
  /**
   * Ports it opens.
   * @default - every port (a datastore's peers replicate on ports of the operator's choosing)
   */
  readonly ports?: readonly EgressPort[];
  /**
   * The operator that creates the target's pods, when the manifests do not define them.
   * @default - none
   */
  readonly operator?: string;
}

/** Pods of one kind with every connection they open, one `allow-<name>-egress` NetworkPolicy. */
export interface EgressClient extends NetworkClient {
  /**
   * The operator that creates these pods, and the custom resource it creates them from
   * (`Cluster/postgresql`), when the manifests do not define them.
   * @default - none: a pod template of the manifests
   */
  readonly operator?: { readonly name: string; readonly customResource: string };
  /** Every connection they open besides DNS. */
  readonly rules: readonly EgressRule[];
}

/** Every pod resolves names: the cluster DNS in kube-system, over UDP and TCP. */
export const DNS_RULE: EgressRule = {
  target: 'the cluster DNS',
  peer: EgressPeer.namespacePods('kube-system', { 'k8s-app': 'kube-dns' }),
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

const tcp = (ports: readonly number[]): EgressPort[] => ports.map((port) => ({ protocol: 'TCP', port }));

/**
 * The pods of `env` that open connections and where to, derived from the model: services and
 * workers to their connections, the OpenTelemetry collector and (with a `JobGrant`) the API
 * server; poolers and dump jobs to their database; operator-managed datastores to their peers,
 * the API server and their object store. A default-deny environment allows exactly these (and
 * DNS); nothing here names an example.
 */
export function egressClients(
  env: Environment,
  services: readonly Microservice[],
  datastores: readonly Datastore[],
  cluster: ClusterComponents,
): EgressClient[] {
  const clients = new Map<
    string,
    { client: NetworkClient; operator?: EgressClient['operator']; rules: EgressRule[] }
  >();
  const add = (client: NetworkClient, rule: EgressRule, operator?: EgressClient['operator']) => {
    const entry = clients.get(client.name) ?? { client, operator, rules: [] };
    entry.rules.push(rule);
    clients.set(client.name, entry);
  };
  const edgeRule = (edge: NetworkEdge): EgressRule => {
    const selector = edge.to.podSelectorFor(env);
    return {
      target: edge.to.name,
      // A managed service outside the cluster has no pods to select: allow its port anywhere.
      peer: selector ? EgressPeer.pods(selector) : EgressPeer.addresses('0.0.0.0/0'),
      ports: tcp(edge.to.portsFor(env)),
      operator: edge.to.operatorFor(env),
    };
  };
  const otlpPort = env.operations.tracing.endpointPort;
  const api = cluster.kubernetesApi;
  const apiRule: EgressRule = {
    target: 'the Kubernetes API server',
    peer: EgressPeer.addresses(api.cidr),
    ports: tcp(api.ports),
  };
  for (const service of services) {
    const from = { name: service.name, selector: service.podSelectorFor(env) };
    for (const to of new Map(service.endpoints.map((t) => [t.name, t])).values()) add(from, edgeRule({ from, to }));
    // A service granted a token (JobGrant) creates and watches objects through the API server.
    if (service.kubernetesApiAccess !== undefined) add(from, apiRule);
    // The OpenTelemetry collector, in whichever namespace the table's endpoint names.
    if (otlpPort !== undefined) {
      add(from, { target: 'the OpenTelemetry collector', peer: EgressPeer.anyNamespace(), ports: tcp([otlpPort]) });
    }
  }
  for (const d of datastores) {
    const plan = d.planIn(env);
    const resource = d.customResourceIn(env);
    const operated = resource ? { name: d.operatorFor(env)!, customResource: resource } : undefined;
    const server = d.serverPodSelectorFor(env);
    if (operated && server) {
      // Replicas, sentinels and brokers talk to each other on ports of the operator's choosing.
      add({ name: d.name, selector: server }, { target: `${d.name} peers`, peer: EgressPeer.pods(server) }, operated);
    }
    for (const client of d.kubernetesApiClientsIn(env)) add(client, apiRule, operated);
    const writers = plan.backup.method === BackupMethod.NATIVE ? plan.backup.objectStoreWriters : undefined;
    if (writers && env.datastores.backup) {
      const store = objectStoreEndpoint(env.datastores.backup);
      const rule = {
        target: 'the backup object store',
        peer: EgressPeer.addresses(store.cidr),
        ports: tcp([store.port]),
      };
      add(writers, rule, operated);
    }
    // An operator-managed database has an operator-managed pooler (CloudNativePG's Pooler).
    if (plan.edges.pooler) add(plan.edges.pooler.from, edgeRule(plan.edges.pooler), operated);
    if (plan.edges.backup) add(plan.edges.backup.from, edgeRule(plan.edges.backup));
  }
  return [...clients.values()].map(({ client, operator, rules }) => ({
    name: client.name,
    selector: { ...client.selector },
    ...(operator ? { operator } : {}),
    rules,
  }));
}
