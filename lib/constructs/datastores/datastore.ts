import { fillTemplate } from '../connection-template';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, uniqueChildId } from '../../core/checks';
import { StagecraftError } from '../../core/errors';
import { DatastoreTopology, ExternalEndpointProps, PoolerSettings } from '../../model/datastore-settings';
import { Environment } from '../../model/environment';
import { EndpointEnvVar, IEndpoint } from '../endpoint';
import { NetworkClient } from '../network-edge';
import { backupJobName, backupJobSelector, dumpBackupResources, dumpVolumeSize } from './backup-job';
import { BackupMethod, BackupSecret, DatastoreBackup } from './datastore-backup';
import { DatastoreContext } from './datastore-context';
import { DatastoreEngine } from './datastore-engine';
import { ClaimGroup, DatastoreFootprint, DatastorePlan } from './datastore-plan';
import { DatastoreMetricsEndpoint, EngineEndpoint, IDatastoreEngine, IOperatedForm } from './engine';
import { EXPORTER_PORT_NAME, EXPORTER_RESOURCES } from './exporter';
import {
  addSingleInstance,
  SingleInstanceExporter,
  SingleInstanceSpec,
  singleInstanceImage,
  singleInstancePatch,
} from './single-instance';
import { checkProps, shape } from '../../core/props-shape';
import { chartJson } from '../chart-json';

/** Variable names a client reads a datastore's connection from, field by field. */
export interface ConnectionFields {
  /**
   * Variable holding the host.
   * @default - not set
   */
  readonly host?: string;
  /**
   * Variable holding the port.
   * @default - not set
   */
  readonly port?: string;
  /**
   * Variable holding `host:port` (e.g. `REDIS_ADDR`, `KAFKA_BROKERS`).
   * @default - not set
   */
  readonly address?: string;
  /**
   * Variable holding the endpoint URL without credentials (e.g. `S3_ENDPOINT`).
   * @default - not set
   */
  readonly url?: string;
  /**
   * Variable holding the database name.
   * @default - not set
   */
  readonly database?: string;
  /**
   * Variable holding the user name (from the credentials Secret).
   * @default - not set
   */
  readonly user?: string;
  /**
   * Variable holding the password (from the credentials Secret).
   * @default - not set
   */
  readonly password?: string;
}

/** Props of a `Datastore`. */
export interface DatastoreProps {
  /** The engine, e.g. `DatastoreEngine.POSTGRESQL`. */
  readonly engine: IDatastoreEngine;
  /**
   * Database (or Redis logical database number) clients use.
   * @default - the platform name (Redis: '0')
   */
  readonly database?: string;
  /**
   * Engine version: the image tag of the single topology and the version the operator runs.
   * @default - the engine's, e.g. MongoDB 7.0.14, PostgreSQL 16.4, Redis 7.2.5
   */
  readonly version?: string;
  /**
   * Whether clients authenticate. `false` runs the server without a password and gives clients
   * no credentials (a throwaway cache); only engines and topologies that can do so accept it
   * (Redis, single or external), and no credentials Secret is expected then.
   * @default true
   */
  readonly auth?: boolean;
}

/** A Secret the datastore reads, with its keys and type. */
export interface DatastoreSecret {
  /** Secret name. */
  readonly name: string;
  /** Keys it must hold. */
  readonly keys: readonly string[];
  /**
   * Secret type.
   * @default - Opaque
   */
  readonly type?: string;
}

/** A connection URL template without its `{user}:{password}@` (or `:{password}@`) part. */
function withoutCredentials(url: string): string {
  return url.replace('{user}:{password}@', '').replace(':{password}@', '');
}

/**
 * A database the platform runs next to its services: a locked-down single-instance
 * StatefulSet (base in `dist/<name>/`) or the engine's operator-managed form, chosen per
 * environment by the table's `datastores.topology`, with scheduled backups where the table
 * asks. Credentials are only ever referenced from the Secret `<name>-credentials`. Everything
 * that differs between engines is asked of `engine`.
 */
export class Datastore extends Construct implements IEndpoint, DatastoreContext {
  /** Name of the datastore: its Service and StatefulSet (single topology). */
  public readonly name: string;
  /** The engine. */
  public readonly engine: IDatastoreEngine;
  /** Database clients use. */
  public readonly database: string;
  /** Engine version. */
  public readonly version: string;
  /** Client port. */
  public readonly port: number;
  /** The single-topology base (`dist/<name>/`). */
  public readonly base: Chart;
  /** Secret holding the credentials (never generated with data; see the secret source). */
  public readonly credentialsSecret: string;
  /** Whether clients authenticate. */
  public readonly auth: boolean;
  /** Labels of the single-topology pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** Labels of every object the datastore renders. */
  public readonly labels: Readonly<Record<string, string>>;
  private readonly singleInstance: SingleInstanceSpec;

  constructor(scope: Construct, id: string, props: DatastoreProps) {
    super(scope, uniqueChildId(scope, id, 'datastore'));
    checkProps(this.node.path, props, DATASTORE_SHAPE);
    checkDnsLabel(this.node.path, 'datastore name', id);
    const engines = DatastoreEngine.all();
    if (!engines.includes(props.engine)) {
      const got: unknown = props.engine instanceof Object ? props.engine.name : props.engine;
      throw new StagecraftError(
        this.node.path,
        `engine ${JSON.stringify(got)} is not one of: ${engines.map((e) => e.name).join(', ')}`,
      );
    }
    this.name = id;
    this.engine = props.engine;
    this.database = props.database ?? this.engine.defaultDatabase(scope.node.id);
    this.version = props.version ?? this.engine.defaultVersion;
    this.port = this.engine.port;
    this.credentialsSecret = `${id}-credentials`;
    this.auth = props.auth ?? true;
    this.selectorLabels = { 'app.kubernetes.io/name': id, 'app.kubernetes.io/part-of': scope.node.id };
    this.labels = {
      ...this.selectorLabels,
      'app.kubernetes.io/component': 'datastore',
      'app.kubernetes.io/managed-by': 'stagecraft',
    };
    this.singleInstance = this.engine.singleInstance(this);
    this.base = new Chart(this, 'base', { disableResourceNameHashes: true });
    addSingleInstance(this.base, this, this.singleInstance);
  }

  /** Keys of the credentials Secret clients and backups read (none without auth). */
  public get secretKeys(): readonly string[] {
    return this.auth ? this.engine.secretKeys : [];
  }

  /** How this datastore runs in `env` (its own override, else the environment's topology). */
  public topologyIn(env: Environment): DatastoreTopology {
    const topology = env.datastores.topologies[this.name] ?? env.datastores.topology;
    this.engine.checkTopology(this, topology, env);
    if (!this.auth && !this.engine.runsWithoutAuth(topology)) {
      throw new StagecraftError(
        this.node.path,
        `auth false is not possible with ${this.engine.name} ${topology} in environment ${env.name}; allowed: auth true, or an engine and topology that run without a password (redis single or external)`,
      );
    }
    return topology;
  }

  /** The PgBouncer pooler in front of this datastore in `env`, if the table asks for one. */
  public poolerIn(env: Environment): PoolerSettings | undefined {
    const pooler = env.datastores.poolers[this.name];
    if (pooler === undefined) return undefined;
    const topology = this.topologyIn(env);
    if (!this.engine.poolsConnections(topology)) {
      throw new StagecraftError(
        this.node.path,
        `datastores.poolers applies to PostgreSQL with the SINGLE or HA topology, got ${this.engine.name} ${topology} in environment ${env.name}`,
      );
    }
    return pooler;
  }

  /** Standby instances beside the primary in `env` (PostgreSQL HA). */
  public replicasIn(env: Environment): number {
    const replicas = env.datastores.replicas[this.name];
    const topology = this.topologyIn(env);
    if (replicas !== undefined && !this.engine.hasStandbys(topology)) {
      throw new StagecraftError(
        this.node.path,
        `datastores.replicas applies to PostgreSQL with the HA topology, got ${this.engine.name} ${topology} in environment ${env.name}`,
      );
    }
    return replicas ?? 2;
  }

  /** Masters of the Redis Cluster in `env` (CLUSTER topology). */
  public clusterSizeIn(env: Environment): number {
    const size = env.datastores.clusterSizes[this.name];
    const topology = this.topologyIn(env);
    if (size !== undefined && topology !== DatastoreTopology.CLUSTER) {
      throw new StagecraftError(
        this.node.path,
        `datastores.clusterSizes applies to Redis with the CLUSTER topology, got ${this.engine.name} ${topology} in environment ${env.name}`,
      );
    }
    return size ?? 3;
  }

  /** Name of the pooler's Service (and Deployment or CloudNativePG Pooler). */
  public get poolerName(): string {
    return `${this.name}-pooler`;
  }

  /**
   * The address this datastore advertises to clients in `env` when the table sets one
   * (`datastores.advertisedAddresses`): only a single-node Kafka can.
   */
  public advertisedAddressIn(env: Environment): string | undefined {
    const address = env.datastores.advertisedAddresses[this.name];
    if (address === undefined) return undefined;
    const topology = this.topologyIn(env);
    if (!this.engine.advertisesAddress(topology)) {
      throw new StagecraftError(
        this.node.path,
        `datastores.advertisedAddresses applies to a single-node Kafka only, got ${this.engine.name} ${topology} in environment ${env.name}`,
      );
    }
    return address;
  }

  /** Default in-namespace URL (single topology, without credentials). */
  public get url(): string {
    return this.engine.singleEndpoint(this).url;
  }

  /** Human description of the topology, e.g. `Replica Set (3)`. */
  public describe(topology: DatastoreTopology): string {
    if (topology === DatastoreTopology.SINGLE) return 'Single instance';
    if (topology === DatastoreTopology.EXTERNAL) return 'Managed (external)';
    return this.engine.operated(this, topology).description;
  }

  /** Human description of how this datastore runs in `env`, with its instance counts and pooler. */
  public describeIn(env: Environment): string {
    const topology = this.topologyIn(env);
    const form = this.operatedForm(topology);
    const base = form ? form.describeIn(this, env) : this.describe(topology);
    const pooler = this.poolerIn(env);
    return pooler ? `${base} + PgBouncer (${pooler.instances})` : base;
  }

  /** Labels of the pods clients connect to in `env`: the pooler's when there is one, else the database's. */
  public podSelectorFor(env: Environment): Record<string, string> | undefined {
    return this.poolerIn(env) ? this.poolerSelectorFor(env) : this.serverPodSelectorFor(env);
  }

  /** Labels of the pooler's pods in `env`; undefined where the engine has no pooler. */
  public poolerSelectorFor(env: Environment): Record<string, string> | undefined {
    return this.engine.poolerSelector(this, this.topologyIn(env));
  }

  /** The database itself as an endpoint, behind any pooler (for the pooler's and backups' own edges). */
  public serverEndpoint(): IEndpoint {
    const datastore = this;
    return {
      name: this.name,
      port: this.port,
      url: this.url,
      podSelectorFor: (env) => datastore.serverPodSelectorFor(env),
      portsFor: (env) => (datastore.poolerIn(env) ? [datastore.port] : datastore.portsFor(env)),
      operatorFor: (env) => datastore.operatorFor(env),
      connectionEnv: () => [],
      sharedConnectionEnv: () => [],
    };
  }

  /** Labels of the database pods in `env` (operator-managed pods carry the operator's labels; none when external). */
  public serverPodSelectorFor(env: Environment): Record<string, string> | undefined {
    const topology = this.topologyIn(env);
    if (topology === DatastoreTopology.EXTERNAL) return undefined;
    return this.operatedForm(topology)?.podSelector(this) ?? { ...this.selectorLabels };
  }

  /**
   * Where Prometheus scrapes this datastore in `env`: only where the table's metrics are full,
   * on its operator's exporter (CloudNativePG's port, MongoDB's agent, the Redis exporters,
   * Strimzi's JMX exporter) or on the exporter sidecar of its single instance (port `metrics`);
   * undefined elsewhere (an external datastore, an engine without an exporter).
   */
  public metricsEndpointIn(env: Environment): DatastoreMetricsEndpoint | undefined {
    if (!env.operations.metrics.scrapesDatastores) return undefined;
    const exporter = this.singleExporterIn(env);
    if (exporter) {
      return {
        selector: { ...this.selectorLabels },
        portName: EXPORTER_PORT_NAME,
        port: exporter.port,
        path: '/metrics',
      };
    }
    return this.operatedForm(this.topologyIn(env))?.metrics(this);
  }

  /** The operator that creates the pods in `env`, or undefined when the manifests define them. */
  public operatorFor(env: Environment): string | undefined {
    const form = this.operatedForm(this.topologyIn(env));
    return form ? `${form.operator} (${form.kind}/${this.name})` : undefined;
  }

  /**
   * The pods the operator creates in `env` that call the Kubernetes API server themselves; none
   * for a single instance or a managed service.
   */
  public kubernetesApiClientsIn(env: Environment): NetworkClient[] {
    return this.operatedForm(this.topologyIn(env))?.kubernetesApiClients(this, env) ?? [];
  }

  /** `Kind/name` of the custom resource the operator creates the pods from in `env`, if an operator does. */
  public customResourceIn(env: Environment): string | undefined {
    const form = this.operatedForm(this.topologyIn(env));
    return form ? `${form.kind}/${this.name}` : undefined;
  }

  /** Ports clients connect to in `env` (Redis HA: Sentinel first, then the master it names). */
  public portsFor(env: Environment): number[] {
    const topology = this.topologyIn(env);
    if (topology === DatastoreTopology.EXTERNAL) return [this.externalOf(env).port ?? this.port];
    const advertised = this.advertisedAddressIn(env);
    return this.operatedForm(topology)?.ports(this) ?? this.engine.singlePorts(this, advertised);
  }

  /** Container environment for a client that reads this datastore's URL from `variable`. */
  public connectionEnv(variable: string, env: Environment): EndpointEnvVar[] {
    const endpoint = this.endpointIn(env);
    const prefix = this.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    if (endpoint.secretUrl) {
      return [
        {
          name: variable,
          valueFrom: { secretKeyRef: { name: endpoint.secretUrl.secret, key: endpoint.secretUrl.key } },
        },
      ];
    }
    const credentials: EndpointEnvVar[] = this.secretKeys
      .slice()
      .reverse()
      .map((key) => ({
        name: `${prefix}_${key.toUpperCase()}`,
        valueFrom: { secretKeyRef: { name: this.credentialsSecret, key } },
      }));
    const url = endpoint.url.replace('{user}', `$(${prefix}_USERNAME)`).replace('{password}', `$(${prefix}_PASSWORD)`);
    return [...credentials, { name: variable, value: url }];
  }

  /**
   * The connection for a shared ConfigMap: the URL without user and password (e.g.
   * `postgresql://postgres:5432/platform`) beside Secret references to the credentials it
   * leaves out (`POSTGRES_USERNAME`, `POSTGRES_PASSWORD`), or only a Secret reference where
   * the whole URL is a Secret key (MongoDB HA).
   */
  public sharedConnectionEnv(variable: string, env: Environment): EndpointEnvVar[] {
    const endpoint = this.endpointIn(env);
    if (endpoint.secretUrl) return this.connectionEnv(variable, env);
    const needed = this.secretKeys.filter((key) => endpoint.url.includes(key === 'username' ? '{user}' : `{${key}}`));
    const credentials = this.connectionEnv(variable, env).filter((e) =>
      needed.some((key) => e.valueFrom?.secretKeyRef.key === key),
    );
    return [...credentials, { name: variable, value: withoutCredentials(endpoint.url) }];
  }

  /** Host clients reach in `env` (the Service of the topology, or the managed host). */
  public hostFor(env: Environment): string {
    const topology = this.topologyIn(env);
    if (topology === DatastoreTopology.EXTERNAL) return this.externalOf(env).host;
    if (this.poolerIn(env)) return this.poolerName;
    return this.operatedForm(topology)?.host(this) ?? this.name;
  }

  /**
   * This datastore as a connection in the client's own format: `template` with `{host}`,
   * `{port}`, `{address}` (`host:port`), `{database}`, and where the engine has credentials
   * `{user}` and `{password}`, which become references to the credentials Secret (`$(CACHE_PASSWORD)`
   * beside Secret key entries), never values. E.g. `redisCart.connection('{address}')` gives
   * `redis-cart:6379`; `postgres.connection('host={host} port={port} dbname={database} user={user} password={password}')`
   * a libpq keyword string. The values follow the environment's topology (a pooler, Sentinel, a managed host).
   */
  public connection(template: string): IEndpoint {
    const datastore = this;
    const prefix = this.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    const keys = this.secretKeys;
    const placeholders = (env: Environment | undefined) => {
      const host = env ? datastore.hostFor(env) : datastore.name;
      const port = env ? `${datastore.portsFor(env)[0]}` : `${datastore.port}`;
      return {
        host,
        port,
        address: `${host}:${port}`,
        database: datastore.database,
        ...(keys.includes('username') ? { user: `$(${prefix}_USERNAME)` } : {}),
        ...(keys.includes('password') ? { password: `$(${prefix}_PASSWORD)` } : {}),
      };
    };
    fillTemplate(this.node.path, template, placeholders(undefined));
    const used = keys.filter((key) => template.includes(key === 'username' ? '{user}' : `{${key}}`));
    const connectionEnv = (variable: string, env: Environment): EndpointEnvVar[] => [
      ...used
        .slice()
        .reverse()
        .map((key) => ({
          name: `${prefix}_${key.toUpperCase()}`,
          valueFrom: { secretKeyRef: { name: datastore.credentialsSecret, key } },
        })),
      { name: variable, value: fillTemplate(datastore.node.path, template, placeholders(env)) },
    ];
    return {
      name: this.name,
      port: this.port,
      url: fillTemplate(this.node.path, template, placeholders(undefined)),
      podSelectorFor: (env) => datastore.podSelectorFor(env),
      portsFor: (env) => datastore.portsFor(env),
      operatorFor: (env) => datastore.operatorFor(env),
      connectionEnv,
      sharedConnectionEnv: (variable, env) => {
        if (used.length > 0) {
          throw new StagecraftError(
            datastore.node.path,
            `connection template ${JSON.stringify(template)} holds credentials, so it cannot be shared through a ConfigMap; allowed: a template without {user} and {password}, or a per-service connection`,
          );
        }
        return connectionEnv(variable, env);
      },
    };
  }

  /**
   * This datastore as an endpoint that hands its connection to a client as separate variables
   * (e.g. `{ host: 'POSTGRES_HOST', port: 'POSTGRES_PORT', user: 'POSTGRES_USER', password:
   * 'POSTGRES_PASSWORD' }` or `{ address: 'KAFKA_BROKERS' }`) instead of one URL. Credentials
   * stay Secret key references.
   */
  public fields(names: ConnectionFields): IEndpoint {
    const datastore = this;
    const connectionEnv = (_variable: string, env: Environment): EndpointEnvVar[] => {
      const secret = (key: string) => ({ secretKeyRef: { name: datastore.credentialsSecret, key } });
      const port = `${datastore.portsFor(env)[0]}`;
      const out: EndpointEnvVar[] = [];
      if (names.host) out.push({ name: names.host, value: datastore.hostFor(env) });
      if (names.port) out.push({ name: names.port, value: port });
      if (names.address) out.push({ name: names.address, value: `${datastore.hostFor(env)}:${port}` });
      if (names.database) out.push({ name: names.database, value: datastore.database });
      if (names.url) out.push({ name: names.url, value: withoutCredentials(datastore.endpointIn(env).url) });
      if (names.user) out.push({ name: names.user, valueFrom: secret('username') });
      if (names.password) out.push({ name: names.password, valueFrom: secret('password') });
      return out;
    };
    return {
      name: this.name,
      port: this.port,
      url: this.url,
      podSelectorFor: (env) => datastore.podSelectorFor(env),
      portsFor: (env) => datastore.portsFor(env),
      operatorFor: (env) => datastore.operatorFor(env),
      connectionEnv,
      // Literal fields hold no credential (user and password are references already).
      sharedConnectionEnv: connectionEnv,
    };
  }

  /**
   * How this datastore runs in `env` and what it brings beside its server: its backup, what
   * the namespace's ResourceQuota counts for it and the network edges of its own pods. The
   * overlay, the quota and the network policies all read this one plan.
   */
  public planIn(env: Environment): DatastorePlan {
    const topology = this.topologyIn(env);
    const pooler = this.poolerIn(env);
    this.replicasIn(env);
    this.clusterSizeIn(env);
    const backup = this.backupIn(env, topology);
    const server = this.serverFootprint(env, topology);
    const dump = backup.method === BackupMethod.DUMP;
    const backupClaims: ClaimGroup[] = dump ? [{ count: 1, size: dumpVolumeSize(env) }] : [];
    const footprint: DatastoreFootprint = {
      pods: [
        ...(pooler ? [{ count: pooler.instances, containers: 1 }] : []),
        ...server.pods,
        ...(dump ? [{ count: 1, containers: 1 }] : []),
      ],
      claims: [...server.claims, ...backupClaims],
    };
    const poolerSelector = pooler ? this.poolerSelectorFor(env) : undefined;
    return {
      topology,
      pooler,
      backup,
      footprint,
      edges: {
        backup: dump
          ? { from: { name: backupJobName(this), selector: backupJobSelector(this) }, to: this.serverEndpoint() }
          : undefined,
        pooler: poolerSelector
          ? { from: { name: this.poolerName, selector: poolerSelector }, to: this.serverEndpoint() }
          : undefined,
      },
    };
  }

  /**
   * Files of `overlays/<env>/<name>/`: for the single topology, patches over the base; for the
   * operator-managed ones, the operator's custom resources. Plus the pooler, and the dump job
   * where the plan has one.
   */
  public overlayObjects(env: Environment): { patches: Record<string, unknown>; resources: Record<string, unknown> } {
    const resources: Record<string, unknown> = {};
    const patches: Record<string, unknown> = {};
    const plan = this.planIn(env);
    if (plan.topology === DatastoreTopology.EXTERNAL) return { patches, resources };
    if (plan.pooler) Object.assign(resources, this.engine.poolerResources(this, plan.topology, env, plan.pooler));
    const form = this.operatedForm(plan.topology);
    if (form) {
      Object.assign(resources, form.resources(this, env, plan.backup));
    } else {
      const extra = this.engine.singleOverlay(this, this.advertisedAddressIn(env));
      Object.assign(patches, extra.patches);
      const exporter = this.singleExporterIn(env);
      patches['statefulset-patch.yaml'] = singleInstancePatch(this, this.singleInstance, env, extra, exporter);
    }
    if (plan.backup.dumpCommand !== undefined) {
      const dump = plan.backup.dumpCommand;
      Object.assign(resources, dumpBackupResources(this, this.singleInstance, this.secretKeys, dump, env));
    }
    return { patches, resources };
  }

  /** Secrets the datastore reads in `env`, with their keys (and type). */
  public secretsFor(env: Environment): DatastoreSecret[] {
    const topology = this.topologyIn(env);
    const secrets: DatastoreSecret[] = [];
    if (this.secretKeys.length > 0) {
      const type = this.operatedForm(topology)?.credentialsType;
      secrets.push({ name: this.credentialsSecret, keys: this.secretKeys, type });
    }
    const backup: BackupSecret | undefined = this.backupIn(env, topology).secret;
    if (backup) secrets.push(backup);
    const metricsAuth = this.metricsEndpointIn(env)?.basicAuthSecret;
    if (metricsAuth)
      secrets.push({ name: metricsAuth, keys: ['password', 'username'], type: 'kubernetes.io/basic-auth' });
    return secrets;
  }

  /**
   * The single-instance container as a plain description (image, environment with Secret
   * keys, command, data path, health command), for runtimes outside Kubernetes such as the
   * local Docker Compose file.
   */
  public containerSpec(): {
    image: string;
    port: number;
    dataPath: string;
    environment: Record<string, { secretKey: string } | { value: string }>;
    command: string[] | undefined;
    healthcheck: string[];
  } {
    const spec = this.singleInstance;
    const environment: Record<string, { secretKey: string } | { value: string }> = {};
    for (const v of spec.environment) {
      environment[v.name] = 'secretKey' in v ? { secretKey: v.secretKey } : { value: v.value };
    }
    return {
      image: singleInstanceImage(this, spec),
      port: this.port,
      dataPath: spec.dataPath,
      environment,
      command: spec.command ? [spec.command.executable, ...spec.command.args] : undefined,
      healthcheck: [...spec.readiness],
    };
  }

  /** The base manifests of the single topology. */
  public baseManifests(): ReturnType<Chart['toJson']> {
    return chartJson(this.base);
  }

  /**
   * The exporter sidecar of the single instance in `env`: where the datastore runs SINGLE, its
   * engine has one and the table's metrics are full.
   */
  private singleExporterIn(env: Environment): SingleInstanceExporter | undefined {
    const scraped = env.operations.metrics.scrapesDatastores && this.topologyIn(env) === DatastoreTopology.SINGLE;
    return scraped ? this.singleInstance.exporter : undefined;
  }

  /** The engine's operator-managed form of `topology`; undefined for SINGLE and EXTERNAL. */
  private operatedForm(topology: DatastoreTopology): IOperatedForm | undefined {
    return topology === DatastoreTopology.SINGLE || topology === DatastoreTopology.EXTERNAL
      ? undefined
      : this.engine.operated(this, topology);
  }

  /** How clients connect in `env`. */
  private endpointIn(env: Environment): EngineEndpoint {
    const topology = this.topologyIn(env);
    if (topology === DatastoreTopology.EXTERNAL) return this.engine.externalEndpoint(this, this.externalOf(env));
    return this.operatedForm(topology)?.endpoint(this, env) ?? this.engine.singleEndpoint(this, env);
  }

  private externalOf(env: Environment): ExternalEndpointProps {
    const external = env.datastores.external[this.name];
    if (!external) {
      throw new StagecraftError(
        `environments/${env.name}`,
        `datastores.external.${this.name} is required: ${this.name} is EXTERNAL here, got no endpoint`,
      );
    }
    return external;
  }

  /** The backup of this datastore in `env` with `topology`: by its operator, by a dump job, or none. */
  private backupIn(env: Environment, topology: DatastoreTopology): DatastoreBackup {
    // Managed services back up themselves.
    if (!env.datastores.backup || topology === DatastoreTopology.EXTERNAL) return DatastoreBackup.none();
    return this.operatedForm(topology)?.backup(this, env) ?? this.engine.singleBackup(this);
  }

  /** Pods, containers and volumes of the server itself in `env` (none when external). */
  private serverFootprint(env: Environment, topology: DatastoreTopology): DatastoreFootprint {
    if (topology === DatastoreTopology.EXTERNAL) return { pods: [], claims: [] };
    return (
      this.operatedForm(topology)?.footprint(this, env) ?? {
        pods: [{ count: 1, containers: 1, ...(this.singleExporterIn(env) ? { sidecars: [EXPORTER_RESOURCES] } : {}) }],
        claims: [{ count: 1, size: env.datastores.storage }],
      }
    );
  }
}

/** The keys of `DatastoreProps`, checked at run time. */
export const DATASTORE_SHAPE = shape<DatastoreProps>('DatastoreProps', {
  engine: 'any',
  database: 'string',
  version: 'string',
  auth: 'boolean',
});
