import { Datastore } from '../constructs/datastores/datastore';
import { Microservice } from '../constructs/microservice';
import { NamespaceBundle } from '../constructs/namespace-bundle';
import { SharedConfig } from '../constructs/shared-config';
import { ImagePin } from '../kube/image-pin';
import { ClusterComponents } from '../model/cluster-components';
import { Environment } from '../model/environment';
import { EnvironmentTable } from '../model/environment-table';
import { GitOpsProps } from '../model/gitops';
import { Placement } from './placement';

/** Where the generated files go, relative to the repository root, with every default filled. */
export interface Layout {
  /** Directory of the bases (`dist`). */
  readonly outdir: string;
  /** Directory of the overlays (`overlays`). */
  readonly overlaysDir: string;
  /** Directory of the Argo CD objects (`argocd`). */
  readonly argocdDir: string;
  /** Directory of the local tier (`local`). */
  readonly localDir: string;
  /** Environment whose values the Docker Compose file uses, if there is one. */
  readonly composeEnvironment: Environment | undefined;
  /** Path of the environments document, or false for none. */
  readonly environmentsDoc: string | false;
  /** Whether the Makefile is written. */
  readonly makefile: boolean;
  /** Whether the Makefile has the repository targets (synth, test, validate, diff, tags). */
  readonly makefileRepoTargets: boolean;
}

/**
 * One read-only view of a validated platform, built once per render: what every generator
 * reads. Generators never see the construct tree, only this.
 */
export interface PlatformView {
  /** Platform name, the `app.kubernetes.io/part-of` label. */
  readonly name: string;
  /** The environment table. */
  readonly environments: EnvironmentTable;
  /** Every service, in definition order. */
  readonly services: readonly Microservice[];
  /** Every datastore, in definition order. */
  readonly datastores: readonly Datastore[];
  /** The platform's shared ConfigMap and Secret reference, if it has one. */
  readonly sharedConfig: SharedConfig | undefined;
  /** Namespace bundles, in definition order. */
  readonly bundles: readonly NamespaceBundle[];
  /** Argo CD settings, if the platform is deployed by Argo CD. */
  readonly gitops: GitOpsProps | undefined;
  /** Ingress class of the platform's Ingress objects. */
  readonly ingressClassName: string;
  /** Namespaces of the cluster's shared components. */
  readonly cluster: ClusterComponents;
  /** Where the files go. */
  readonly layout: Layout;
  /** The services that run in `env` (none where the environment runs only datastores). */
  servicesIn(env: Environment): readonly Microservice[];
  /** The pin the overlay of `service` in `env` holds: kept from the file, else the initial tag. */
  pinOf(env: Environment, service: Microservice): ImagePin;
  /**
   * The pin a wave gave `service` in the cluster `env` is the view of, or undefined where the
   * cluster renders the environment's pin.
   */
  clusterPinOf(env: Environment, service: Microservice): ImagePin | undefined;
  /** The overlay directories of `env`: its own, and one per cluster where it spans several. */
  placementsOf(env: Environment): readonly Placement[];
  /** The pin `file` already holds for `image`, or undefined for a new overlay. */
  readPin(file: string, image: string): ImagePin | undefined;
}
