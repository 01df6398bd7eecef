import { ContainerResources } from '../../../imports/databases';
import { DatastoreTopology, PoolerSettings } from '../../model/datastore-settings';
import { NetworkEdge } from '../network-edge';
import { DatastoreBackup } from './datastore-backup';

/** Pods of one kind a datastore runs, each container sized by the table's `datastores.resources`. */
export interface PodGroup {
  /** Number of pods. */
  readonly count: number;
  /** Containers per pod sized by the table. */
  readonly containers: number;
  /**
   * Requests and limits of each further container per pod with a fixed size of its own (an
   * exporter sidecar).
   * @default - none
   */
  readonly sidecars?: readonly ContainerResources[];
}

/** PersistentVolumeClaims of one size a datastore holds. */
export interface ClaimGroup {
  /** Number of claims. */
  readonly count: number;
  /** Size of each, a Kubernetes quantity. */
  readonly size: string;
}

/** The most a datastore runs at once in an environment, for the namespace's ResourceQuota. */
export interface DatastoreFootprint {
  /** Its pods: the server's, the pooler's, the dump job's. */
  readonly pods: readonly PodGroup[];
  /** Its volumes: data, node configuration, dumps. */
  readonly claims: readonly ClaimGroup[];
}

/**
 * How a datastore runs in one environment and what it brings beside its server, resolved and
 * checked once: the datastore overlay, the namespace's ResourceQuota and the network policies
 * all read it, so they cannot disagree about a backup job or a pooler.
 */
export interface DatastorePlan {
  /** Its topology here. */
  readonly topology: DatastoreTopology;
  /** The PgBouncer pooler in front of it, if the table asks for one. */
  readonly pooler: PoolerSettings | undefined;
  /** Its backup. */
  readonly backup: DatastoreBackup;
  /** What it adds to the namespace's quota. */
  readonly footprint: DatastoreFootprint;
  /**
   * Connections of its own pods to its server, by client (kept apart so the network policies
   * list every backup edge before every pooler edge).
   */
  readonly edges: {
    /**
     * The dump job's.
     * @default - none (no dump job)
     */
    readonly backup?: NetworkEdge;
    /**
     * The pooler's.
     * @default - none (no pooler)
     */
    readonly pooler?: NetworkEdge;
  };
}
