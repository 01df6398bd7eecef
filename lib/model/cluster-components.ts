/** Where the cluster's shared components run. */
export interface ClusterComponents {
  /** Namespace of the ingress controller. */
  readonly ingressControllerNamespace: string;
  /** Namespace of each datastore engine's operator, by engine name (e.g. `postgresql: 'cnpg-system'`). */
  readonly operatorNamespaces: Readonly<Record<string, string>>;
}
