/** Kind of Kubernetes Service in front of a microservice. */
export enum ServiceType {
  /** Reachable inside the cluster only. */
  CLUSTER_IP = 'ClusterIP',
  /** Also on a port of every node. */
  NODE_PORT = 'NodePort',
  /** Also through the cloud's load balancer. */
  LOAD_BALANCER = 'LoadBalancer',
}
