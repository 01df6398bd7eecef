import { PoolerSettings } from '../../model/datastore-settings';
import { Environment } from '../../model/environment';

/**
 * A datastore as its engine and the shared builders of this folder read it: its names, its
 * labels and the environment table's settings for it, each checked when read. `Datastore`
 * implements it, so no engine file imports the construct (and no import cycle forms).
 */
export interface DatastoreContext {
  /** The construct node; its path names the datastore in errors. */
  readonly node: { readonly path: string };
  /** Name: its Service, its StatefulSet and the prefix of every object it owns. */
  readonly name: string;
  /** Database clients use. */
  readonly database: string;
  /** Engine version. */
  readonly version: string;
  /** Client port. */
  readonly port: number;
  /** Secret holding the credentials. */
  readonly credentialsSecret: string;
  /** Whether clients authenticate (false: no credentials at all, where the engine allows it). */
  readonly auth: boolean;
  /** Labels of every object it renders. */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of its single-instance pods. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** Name of its pooler's Service. */
  readonly poolerName: string;
  /** The pooler the table puts in front of it in `env`, if any. */
  poolerIn(env: Environment): PoolerSettings | undefined;
  /** Standby instances beside the primary in `env`. */
  replicasIn(env: Environment): number;
  /** Masters of its cluster in `env`. */
  clusterSizeIn(env: Environment): number;
  /** The address it advertises to clients in `env`, if the table sets one. */
  advertisedAddressIn(env: Environment): string | undefined;
}
