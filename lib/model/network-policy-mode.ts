/** An environment's network policy posture (seed: "Network Policies"). */
export enum NetworkPolicyMode {
  /** Basic: pods accept traffic from their own namespace and the ingress controller. */
  ALLOW_NAMESPACE = 'allow-namespace',
  /** Enforced: deny all ingress and egress, then allow DNS and each real edge the model knows, both ways. */
  DEFAULT_DENY = 'default-deny',
}
