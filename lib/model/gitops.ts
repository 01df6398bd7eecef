import { shape } from '../core/props-shape';

/**
 * How synth writes the Argo CD objects that deploy the services. The per-cluster Application
 * of the shared objects is an Application in both, so it keeps its earlier sync wave.
 */
export enum ArgoCdObjects {
  /**
   * One Application per environment x cluster x service (`argocd/apps/<env>/[<cluster>/]<service>.yaml`):
   * every object is a file a reviewer reads whole, and `npm run diff` shows each one.
   */
  APPLICATIONS = 'applications',
  /**
   * One ApplicationSet per environment (`argocd/apps/<env>/services.yaml`) whose list
   * generator holds one element per cluster x service: a new service or cluster is one element
   * per environment, not one file per cluster.
   */
  APPLICATION_SETS = 'application-sets',
}

/** Where Argo CD finds this repository. */
export interface GitOpsProps {
  /** Git URL of this repository, e.g. `https://github.com/acme/platform.git`. */
  readonly repoURL: string;
  /**
   * Branch or tag Argo CD follows.
   * @default 'main'
   */
  readonly targetRevision?: string;
  /**
   * Namespace Argo CD runs in.
   * @default 'argocd'
   */
  readonly argocdNamespace?: string;
  /**
   * Cluster API server of the environments that name no `clusters`, and of the bootstrap
   * Application (the cluster Argo CD runs in).
   * @default 'https://kubernetes.default.svc'
   */
  readonly destinationServer?: string;
  /**
   * Applications or ApplicationSets for the services.
   * @default - ArgoCdObjects.APPLICATION_SETS where an environment spans several clusters, else ArgoCdObjects.APPLICATIONS
   */
  readonly objects?: ArgoCdObjects;
}

/** The keys of `GitOpsProps`, checked at run time. */
export const GITOPS_SHAPE = shape<GitOpsProps>('GitOpsProps', {
  repoURL: 'string',
  targetRevision: 'string',
  argocdNamespace: 'string',
  destinationServer: 'string',
  objects: { oneOf: Object.values(ArgoCdObjects) },
});
