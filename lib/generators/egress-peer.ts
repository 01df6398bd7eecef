/** Label every namespace carries with its own name (set by the API server). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Where an egress rule lets pods connect: pods of their own namespace, pods of a named
 * namespace, any namespace, or an address range outside the cluster. The generator renders it
 * as a NetworkPolicy peer; the gate checks a rendered policy against it.
 */
export class EgressPeer {
  /** Pods with `selector` in the client's own namespace. */
  public static pods(selector: Readonly<Record<string, string>>): EgressPeer {
    return new EgressPeer({ ...selector }, undefined, undefined);
  }

  /** Pods with `selector` in namespace `namespace`, picked by its name label. */
  public static namespacePods(namespace: string, selector: Readonly<Record<string, string>>): EgressPeer {
    return new EgressPeer({ ...selector }, namespace, undefined);
  }

  /** Every pod of every namespace (a collector whose pods the model does not know). */
  public static anyNamespace(): EgressPeer {
    return new EgressPeer(undefined, '*', undefined);
  }

  /** Addresses outside the cluster: an IPv4 CIDR. */
  public static addresses(cidr: string): EgressPeer {
    return new EgressPeer(undefined, undefined, cidr);
  }

  private constructor(
    /** Labels of the pods reached; undefined: every pod of `namespace`, or none for addresses. */
    public readonly selector: Readonly<Record<string, string>> | undefined,
    /** Namespace of the pods: undefined for the client's own, `*` for any. */
    public readonly namespace: string | undefined,
    /** The address range, for a peer outside the cluster. */
    public readonly cidr: string | undefined,
  ) {}

  /** The NetworkPolicy peer (`to` entry). */
  public toPeer(): object {
    if (this.cidr !== undefined) return { ipBlock: { cidr: this.cidr } };
    const namespaceSelector =
      this.namespace === '*'
        ? { namespaceSelector: {} }
        : this.namespace !== undefined
          ? { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: this.namespace } } }
          : {};
    const podSelector = this.selector ? { podSelector: { matchLabels: { ...this.selector } } } : {};
    return { ...namespaceSelector, ...podSelector };
  }

  /** Human form for messages: `pods app=x`, `pods k8s-app=kube-dns in namespace kube-system`, `10.0.0.0/8`. */
  public describe(): string {
    if (this.cidr !== undefined) return `addresses ${this.cidr}`;
    const pods = this.selector
      ? `pods ${Object.entries(this.selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`
      : 'every pod';
    if (this.namespace === '*') return `${pods} in any namespace`;
    return this.namespace !== undefined ? `${pods} in namespace ${this.namespace}` : pods;
  }
}
