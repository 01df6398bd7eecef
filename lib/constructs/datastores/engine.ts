import { DatastoreTopology, ExternalEndpointProps, PoolerSettings } from '../../model/datastore-settings';
import { Environment } from '../../model/environment';
import { DatastoreBackup } from './datastore-backup';
import { DatastoreContext } from './datastore-context';
import { NetworkClient } from '../network-edge';
import { DatastoreFootprint } from './datastore-plan';
import { SingleInstanceOverlay, SingleInstanceSpec } from './single-instance';

/**
 * How clients reach a datastore: a URL template whose `{user}` and `{password}` stand for the
 * credentials, or a Secret key that holds the whole URL.
 */
export interface EngineEndpoint {
  /** URL template (empty where `secretUrl` is set). */
  readonly url: string;
  /**
   * Secret key holding the whole URL (an operator writes it).
   * @default - none: the URL is `url`
   */
  readonly secretUrl?: { readonly secret: string; readonly key: string };
}

/** Where an operator's server pods serve Prometheus metrics. */
export interface DatastoreMetricsEndpoint {
  /**
   * How Prometheus finds them: a PodMonitor on the pods' container port, or a ServiceMonitor on
   * the port of the Service the operator creates (then `selector` selects that Service, whose
   * labels are also the pods').
   * @default 'PodMonitor'
   */
  readonly monitor?: 'PodMonitor' | 'ServiceMonitor';
  /** Labels of the pods that serve them (of the Service, for a ServiceMonitor). */
  readonly selector: Readonly<Record<string, string>>;
  /** Name of the container port. */
  readonly portName: string;
  /** Its number (for the network policy that lets Prometheus in). */
  readonly port: number;
  /** HTTP path. */
  readonly path: string;
  /**
   * Secret with the HTTP basic-auth `username` and `password` the endpoint asks for; the
   * environment's secret source produces it.
   * @default - none: the endpoint is open to the pods the network policy lets in
   */
  readonly basicAuthSecret?: string;
}

/**
 * An operator-managed form of an engine in one topology: the engine's HA form, or Redis's
 * CLUSTER form. Everything the datastore needs to render, reach and count it.
 */
export interface IOperatedForm {
  /** Kind of the operator's custom resource, e.g. `Cluster`. */
  readonly kind: string;
  /** The operator that creates the pods, e.g. `CloudNativePG operator`. */
  readonly operator: string;
  /** Human description at the default size, e.g. `HA Cluster (3, CloudNativePG)`. */
  readonly description: string;
  /**
   * Type of the credentials Secret the operator reads.
   * @default - Opaque
   */
  readonly credentialsType?: string;
  /** Human description in `env`, with the sizes the table sets. */
  describeIn(d: DatastoreContext, env: Environment): string;
  /** The Service clients reach (before any pooler). */
  host(d: DatastoreContext): string;
  /** Labels the operator puts on the server pods. */
  podSelector(d: DatastoreContext): Record<string, string>;
  /** Ports clients connect to, in the order they try them. */
  ports(d: DatastoreContext): number[];
  /** How clients connect in `env` (without `env`: the form's default). */
  endpoint(d: DatastoreContext, env?: Environment): EngineEndpoint;
  /** Its backup in `env`, where the table asks for backups; throws where it has none that fits. */
  backup(d: DatastoreContext, env: Environment): DatastoreBackup;
  /** Pods, containers and volumes of the server in `env`. */
  footprint(d: DatastoreContext, env: Environment): DatastoreFootprint;
  /**
   * Files of the datastore overlay in `env`, by file name: the custom resources and what they
   * need (with the exporter `metrics` asks for, where `env` scrapes datastores).
   */
  resources(d: DatastoreContext, env: Environment, backup: DatastoreBackup): Record<string, unknown>;
  /**
   * Where the operator's pods serve metrics without further setup, or undefined where they do not
   * (then the datastore is not scraped).
   */
  metrics(d: DatastoreContext): DatastoreMetricsEndpoint | undefined;
  /**
   * The pods the operator creates in `env` that call the Kubernetes API server themselves (an
   * instance manager, an agent reading its own Secret), for their egress network policy; none
   * where only the operator talks to the API server.
   */
  kubernetesApiClients(d: DatastoreContext, env: Environment): NetworkClient[];
}

/**
 * A database engine a `Datastore` runs: every difference between engines, so that the
 * construct and the generators never ask which engine they hold. One implementation per file
 * in this folder; `DatastoreEngine` lists them.
 */
export interface IDatastoreEngine {
  /** Short lowercase name: the container's name, the `operatorNamespaces` key, in errors (`postgresql`). */
  readonly name: string;
  /** Human name, in the docs (`PostgreSQL`). */
  readonly displayName: string;
  /** Version where the datastore sets none: the single instance's image tag and what the operator runs. */
  readonly defaultVersion: string;
  /** Client port. */
  readonly port: number;
  /** Keys of the credentials Secret, in the order clients and dump jobs read them; none: no Secret. */
  readonly secretKeys: readonly string[];
  /** Namespace its operator runs in unless `PlatformProps.cluster.operatorNamespaces` says otherwise. */
  readonly operatorNamespace: string;
  /** Database clients use where the datastore names none, in platform `platform`. */
  defaultDatabase(platform: string): string;
  /** Throws when datastore `d` cannot run `topology` in `env`. */
  checkTopology(d: DatastoreContext, topology: DatastoreTopology, env: Environment): void;
  /** Whether the engine can run without authentication with `topology` (`DatastoreProps.auth: false`). */
  runsWithoutAuth(topology: DatastoreTopology): boolean;
  /** Whether `datastores.poolers` (PgBouncer) may run in front of it with `topology`. */
  poolsConnections(topology: DatastoreTopology): boolean;
  /** Whether `datastores.replicas` (standbys beside the primary) applies with `topology`. */
  hasStandbys(topology: DatastoreTopology): boolean;
  /** Whether `datastores.advertisedAddresses` applies with `topology`. */
  advertisesAddress(topology: DatastoreTopology): boolean;
  /** Its single-instance server. */
  singleInstance(d: DatastoreContext): SingleInstanceSpec;
  /** What the single instance's overlay adds, given the address it advertises (if any). */
  singleOverlay(d: DatastoreContext, advertised: string | undefined): SingleInstanceOverlay;
  /** Ports clients of the single instance connect to, given the address it advertises (if any). */
  singlePorts(d: DatastoreContext, advertised: string | undefined): number[];
  /** How clients reach the single instance in `env` (without `env`: directly, by its Service). */
  singleEndpoint(d: DatastoreContext, env?: Environment): EngineEndpoint;
  /** How clients reach the managed service at `external`. */
  externalEndpoint(d: DatastoreContext, external: ExternalEndpointProps): EngineEndpoint;
  /** The single instance's backup, where the table asks for backups. */
  singleBackup(d: DatastoreContext): DatastoreBackup;
  /** Its operator-managed form of `topology` (HA, CLUSTER), which `checkTopology` accepted. */
  operated(d: DatastoreContext, topology: DatastoreTopology): IOperatedForm;
  /** Labels of its pooler's pods with `topology`; undefined where it has no pooler. */
  poolerSelector(d: DatastoreContext, topology: DatastoreTopology): Record<string, string> | undefined;
  /** Files of its pooler with `topology` in `env`, by file name. */
  poolerResources(
    d: DatastoreContext,
    topology: DatastoreTopology,
    env: Environment,
    pooler: PoolerSettings,
  ): Record<string, unknown>;
}
