import { checkDnsLabel, checkVariables } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { shape } from '../core/props-shape';
import { EXTERNAL_ENDPOINT_SHAPE, ExternalEndpointProps } from './datastore-settings';
import { INGRESS_SHAPE, IngressProps } from './exposure';
import { RESOURCES_SHAPE, ResourceRequirements, resolveResources } from './resources';
import { Scaling } from './scaling';

/**
 * Where the credentials of a cluster's Argo CD Secret come from: an ExternalSecret reads them
 * from a secret manager, so no credential is ever in git.
 */
export interface ClusterCredentialsProps {
  /** Name of the SecretStore or ClusterSecretStore the ExternalSecret reads, e.g. `aws-secrets-manager`. */
  readonly storeName: string;
  /**
   * Kind of the store.
   * @default 'ClusterSecretStore'
   */
  readonly storeKind?: 'SecretStore' | 'ClusterSecretStore';
  /**
   * Remote key holding the cluster's Argo CD `config` JSON (bearer token or exec provider and
   * the CA data), e.g. `argocd/clusters/prod-eu`.
   */
  readonly key: string;
  /**
   * Property of the remote key holding the `config` JSON.
   * @default - the whole remote value
   */
  readonly property?: string;
  /**
   * How often the operator re-reads the credentials.
   * @default '1h'
   */
  readonly refreshInterval?: string;
}

/** `ClusterCredentialsProps` with defaults filled. */
export interface ResolvedClusterCredentials {
  readonly storeName: string;
  readonly storeKind: 'SecretStore' | 'ClusterSecretStore';
  readonly key: string;
  readonly property?: string;
  readonly refreshInterval: string;
}

/** Per-cluster datastore values: the endpoints of the managed datastores nearest the cluster. */
export interface ClusterDatastoreProps {
  /**
   * Endpoints of EXTERNAL datastores in this cluster, by datastore name, over the
   * environment's `datastores.external` (e.g. the regional replica of a managed database).
   * @default {}
   */
  readonly external?: Record<string, ExternalEndpointProps>;
}

/**
 * One cluster an environment deploys to, with what differs there from the rest of the
 * environment. Everything left unset is the environment's value; the image pins are the
 * environment's unless a wave (`npm run promote -- ... --cluster <name>`) pins this cluster apart.
 */
export interface ClusterProps {
  /**
   * The cluster's name as Argo CD knows it (the `name` of its cluster Secret), e.g. `prod-eu`;
   * also the directory `overlays/<env>/clusters/<name>/` when the environment has several
   * clusters. Names are unique across the table.
   */
  readonly name: string;
  /**
   * API server URL. Applications address the cluster by `name`, as Argo CD recommends; the
   * server is what the generated cluster Secret registers under that name.
   * @default - the cluster is registered by hand or already known to Argo CD under `name`
   */
  readonly server?: string;
  /**
   * How Applications and the AppProject address the cluster: by its Argo CD `name` (what Argo
   * CD recommends: the URL may change, the name does not) or by `server` URL.
   * @default 'name'
   */
  readonly address?: 'name' | 'server';
  /**
   * What the cluster is for or where it runs (e.g. `EKS eu-west-1`), for ENVIRONMENTS.md.
   * @default - no description
   */
  readonly purpose?: string;
  /**
   * Variables every service receives in this cluster, over the environment's (e.g. `REGION`).
   * @default {}
   */
  readonly variables?: Record<string, string>;
  /**
   * Data of the shared ConfigMap in this cluster, over the environment's `sharedVariables`.
   * @default {}
   */
  readonly sharedVariables?: Record<string, string>;
  /**
   * Public hosts in this cluster (e.g. `eu.shop.example.com`).
   * @default - the environment's ingress
   */
  readonly ingress?: IngressProps;
  /**
   * Replica count or autoscaling bounds in this cluster; must be of the environment's kind
   * (fixed or autoscaled), since the cluster overlay patches the environment's.
   * @default - the environment's scaling
   */
  readonly scaling?: Scaling;
  /**
   * CPU and memory of every service container in this cluster.
   * @default - the environment's resources
   */
  readonly resources?: ResourceRequirements;
  /**
   * Datastore endpoints in this cluster.
   * @default - the environment's
   */
  readonly datastores?: ClusterDatastoreProps;
  /**
   * Where the credentials of the cluster's Argo CD Secret come from; with `server` set, synth
   * writes the cluster Secret as an ExternalSecret in `argocd/clusters/<name>.yaml`.
   * @default - no cluster Secret is generated (register the cluster with `argocd cluster add`)
   */
  readonly credentials?: ClusterCredentialsProps;
}

/** A cluster of the table with its values checked. */
export class Cluster {
  /** Argo CD cluster name. */
  public readonly name: string;
  /** API server URL, if known. */
  public readonly server: string | undefined;
  /** Description. */
  public readonly purpose: string | undefined;
  /** The props, as given (merged over the environment's row by `Environment.inCluster`). */
  public readonly props: ClusterProps;
  /** How destinations address the cluster. */
  public readonly address: 'name' | 'server';
  /** Credentials of the cluster Secret, with defaults filled, if generated. */
  public readonly credentials: ResolvedClusterCredentials | undefined;

  constructor(envPath: string, props: ClusterProps) {
    const path = `${envPath}/clusters/${props.name}`;
    checkDnsLabel(path, 'cluster name', props.name);
    if (props.server !== undefined && !/^https:\/\/[^\s/]+/.test(props.server)) {
      throw new StagecraftError(path, `server must be an https:// URL, got ${JSON.stringify(props.server)}`);
    }
    if (props.credentials && props.server === undefined) {
      throw new StagecraftError(
        path,
        'credentials need a server: the cluster Secret registers the server under the name; set server, or remove credentials',
      );
    }
    if (props.address === 'server' && props.server === undefined) {
      throw new StagecraftError(
        path,
        'address "server" needs a server URL; set server, or address the cluster by name',
      );
    }
    checkVariables(path, props.variables ?? {});
    checkVariables(`${path}/sharedVariables`, props.sharedVariables ?? {});
    props.scaling?.validate(path);
    if (props.resources) resolveResources(path, props.resources);
    this.name = props.name;
    this.server = props.server;
    this.purpose = props.purpose;
    this.props = props;
    this.address = props.address ?? 'name';
    this.credentials = props.credentials && {
      storeName: props.credentials.storeName,
      storeKind: props.credentials.storeKind ?? 'ClusterSecretStore',
      key: props.credentials.key,
      refreshInterval: props.credentials.refreshInterval ?? '1h',
      ...(props.credentials.property !== undefined ? { property: props.credentials.property } : {}),
    };
  }

  /** What an Argo CD Application's or AppProject's `destination` names the cluster by. */
  public get destination(): { readonly name: string } | { readonly server: string } {
    return this.address === 'server' ? { server: this.server! } : { name: this.name };
  }
}

/** The keys of `ClusterCredentialsProps`, checked at run time. */
export const CLUSTER_CREDENTIALS_SHAPE = shape<ClusterCredentialsProps>('ClusterCredentialsProps', {
  storeName: 'string',
  storeKind: { oneOf: ['SecretStore', 'ClusterSecretStore'] },
  key: 'string',
  property: 'string',
  refreshInterval: 'string',
});

/** The keys of `ClusterDatastoreProps`, checked at run time. */
export const CLUSTER_DATASTORE_SHAPE = shape<ClusterDatastoreProps>('ClusterDatastoreProps', {
  external: { mapOf: EXTERNAL_ENDPOINT_SHAPE },
});

/** The keys of `ClusterProps`, checked at run time: a misspelt key is an error, never ignored. */
export const CLUSTER_SHAPE = shape<ClusterProps>('ClusterProps', {
  name: 'string',
  server: 'string',
  address: { oneOf: ['name', 'server'] },
  purpose: 'string',
  variables: 'stringMap',
  sharedVariables: 'stringMap',
  ingress: INGRESS_SHAPE,
  scaling: { instanceOf: Scaling, hint: 'a Scaling (Scaling.fixed(n) or Scaling.autoscale({...}))' },
  resources: RESOURCES_SHAPE,
  datastores: CLUSTER_DATASTORE_SHAPE,
  credentials: CLUSTER_CREDENTIALS_SHAPE,
});
