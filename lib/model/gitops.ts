import { shape } from '../core/props-shape';

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
   * Cluster API server the applications deploy to.
   * @default 'https://kubernetes.default.svc'
   */
  readonly destinationServer?: string;
}

/** The keys of `GitOpsProps`, checked at run time. */
export const GITOPS_SHAPE = shape<GitOpsProps>('GitOpsProps', {
  repoURL: 'string',
  targetRevision: 'string',
  argocdNamespace: 'string',
  destinationServer: 'string',
});
