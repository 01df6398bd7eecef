import { checkCidr } from '../core/cidr';
import { StagecraftError } from '../core/errors';

/**
 * Where pods reach the Kubernetes API server, for the egress policies of the pods that call it
 * (operator-managed datastores whose agents read and write their own objects). A NetworkPolicy
 * sees the API server's endpoint addresses, not the `kubernetes` Service's ClusterIP, so these
 * are the control plane's addresses and ports.
 */
export interface KubernetesApiEndpoint {
  /** Addresses of the API server endpoints, an IPv4 CIDR (e.g. `172.18.0.0/16` for kind's nodes). */
  readonly cidr: string;
  /** TCP ports they listen on (443 on most managed clusters, 6443 with kubeadm and kind). */
  readonly ports: readonly number[];
}

/** Where the cluster's shared components run. */
export interface ClusterComponents {
  /** Namespace of the ingress controller. */
  readonly ingressControllerNamespace: string;
  /** Namespace of each datastore engine's operator, by engine name (e.g. `postgresql: 'cnpg-system'`). */
  readonly operatorNamespaces: Readonly<Record<string, string>>;
  /**
   * The Kubernetes API server, as the pods that call it reach it.
   * @default - any address (0.0.0.0/0) on TCP 443 and 6443: the control plane's addresses differ per cluster
   */
  readonly kubernetesApi: KubernetesApiEndpoint;
}

/** The API server endpoint where the platform names none: any address, on the two usual ports. */
export const DEFAULT_KUBERNETES_API: KubernetesApiEndpoint = { cidr: '0.0.0.0/0', ports: [443, 6443] };

/** Checks the API server endpoint of `PlatformProps.cluster`; throws under `path`. */
export function checkKubernetesApi(path: string, api: KubernetesApiEndpoint): void {
  checkCidr(path, 'cluster.kubernetesApi.cidr', api.cidr);
  if (api.ports.length === 0 || api.ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new StagecraftError(
      path,
      `cluster.kubernetesApi.ports must be one or more TCP ports between 1 and 65535, got ${JSON.stringify(api.ports)}`,
    );
  }
}
