/** An environment's network policy posture (seed: "Network Policies"). */
export enum NetworkPolicyMode {
  /** Basic: pods accept traffic from their own namespace and the ingress controller. */
  ALLOW_NAMESPACE = 'allow-namespace',
  /** Enforced: deny all ingress, then allow each real edge; services' egress limited to DNS and their edges. */
  DEFAULT_DENY = 'default-deny',
}
