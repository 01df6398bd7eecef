import { resolveScheduling, SchedulingProps, SchedulingSettings, SCHEDULING_SHAPE } from './scheduling';
import { Operations, OperationsProps, resolveOperations } from './operations';
import { PodSecurityProps } from './pod-security';
import { SecretSource } from './secret-source';
import { checkSyncWindow, SyncWindowProps } from './sync-window';
import { Tls } from './tls';
import { ResourceRequirements, resolveResources } from './resources';
import { Scaling } from './scaling';
import { checkNoReferences, checkDnsLabel, checkVariables } from '../core/checks';
import { resolveValidation, ValidationProps, ValidationSettings } from './validation-settings';
import { DatastoreEnvironmentProps, DatastoreSettings, resolveDatastoreSettings } from './datastore-settings';
import { IngressProps } from './exposure';
import { NetworkPolicyMode } from './network-policy-mode';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';
import { OPERATIONS_SHAPE } from './operations';
import { VALIDATION_SHAPE } from './validation-settings';
import { POD_SECURITY_SHAPE } from './pod-security';
import { INGRESS_SHAPE } from './exposure';
import { RESOURCES_SHAPE } from './resources';
import { DATASTORE_ENVIRONMENT_SHAPE } from './datastore-settings';
import { SYNC_WINDOW_SHAPE } from './sync-window';
import { Cluster, ClusterProps, CLUSTER_SHAPE } from './cluster';
import { tagProblem } from '../core/oci-reference';
import { RolloutStrategy } from './rollout-strategy';
import {
  resolveVerification,
  VERIFICATION_SHAPE,
  VerificationProps,
  VerificationSettings,
} from './verification-settings';

/**
 * One row of the environment table: everything that may differ between environments.
 * Constructs read these values; they never branch on an environment's name.
 */
export interface EnvironmentProps {
  /** Short name, used for `overlays/<name>/` and the `environment` label (e.g. `dev`). */
  readonly name: string;
  /** Namespace every object of this environment is rendered into (e.g. `craftista-dev`). */
  readonly namespace: string;
  /**
   * What the environment is for, shown in the generated documentation.
   * @default - no description
   */
  readonly purpose?: string;
  /** Replica count or autoscaling bounds of every service. */
  readonly scaling: Scaling;
  /** CPU and memory of every service container. */
  readonly resources: ResourceRequirements;
  /**
   * Environment variables every service receives in this environment.
   * @default {}
   */
  readonly variables?: Record<string, string>;
  /**
   * Environment variables one service receives in this environment, keyed by service name
   * (e.g. `{ catalogue: { FLASK_DEBUG: 'True' } }`); they win over `variables`.
   * @default {}
   */
  readonly serviceVariables?: Record<string, Record<string, string>>;
  /**
   * Data of the platform's shared ConfigMap in this environment (see `SharedConfig`), e.g.
   * `{ EXECUTION_MODE: 'kubernetes' }`: one object in the namespace that every consumer reads
   * by name, where `variables` are copied into each service's own ConfigMap.
   * @default {}
   */
  readonly sharedVariables?: Record<string, string>;
  /**
   * The environment whose image tags are promoted into this one. Together these links form
   * the promotion order (`dev` → `staging` → `prod`); an environment without one receives
   * tags from CI through `set-image`.
   * @default - none: this environment is the start of a promotion chain
   */
  readonly promotedFrom?: string;
  /**
   * Whether promoting into this environment needs explicit approval.
   * @default false
   */
  readonly requiresApproval?: boolean;
  /**
   * Whether the mutable tag `latest` may be pinned here.
   * @default false
   */
  readonly allowLatestTag?: boolean;
  /**
   * Whether each service gets a PodDisruptionBudget (`maxUnavailable: 1`) here.
   * @default - true when the scaling can run more than one pod
   */
  readonly disruptionBudget?: boolean;
  /**
   * Whether Argo CD syncs this environment automatically.
   * @default true
   */
  readonly autoSync?: boolean;
  /**
   * How the environment is operated: metrics, alerts, SLO and tracing (rendered as monitors,
   * rules and instrumentation), logs, recovery, security practice and cost (documented).
   * @default - no metrics, alerts or tracing, console logs, manual rotation, weekly scans, no DR
   */
  readonly operations?: OperationsProps;
  /**
   * How strictly `npm run validate` judges this environment (required policies, severities).
   * @default - every check is an error; PDBs required where `disruptionBudget` is on
   */
  readonly validation?: ValidationProps;
  /**
   * Pod Security admission labels of the namespace.
   * @default { enforce: 'restricted' }
   */
  readonly podSecurity?: PodSecurityProps;
  /**
   * Network policy posture of the namespace.
   * @default NetworkPolicyMode.DEFAULT_DENY
   */
  readonly networkPolicy?: NetworkPolicyMode;
  /**
   * Public hosts of the platform in this environment.
   * @default - no Ingress
   */
  readonly ingress?: IngressProps;
  /**
   * Where the ingress certificate comes from.
   * @default - no TLS (only allowed without an ingress)
   */
  readonly tls?: Tls;
  /**
   * How datastores run here: topology, size, backups.
   * @default - single instances with the service resources and 1Gi volumes, no backups
   */
  readonly datastores?: DatastoreEnvironmentProps;
  /**
   * Where Secrets come from.
   * @default SecretSource.manual()
   */
  readonly secrets?: SecretSource;
  /**
   * When Argo CD may sync automatically.
   * @default - at any time
   */
  readonly syncWindow?: SyncWindowProps;
  /**
   * How services' pods are scheduled and pulled: PriorityClass, zone spread, pull policy.
   * @default - no PriorityClass, spread across nodes only, imagePullPolicy Always (IfNotPresent when local)
   */
  readonly scheduling?: SchedulingProps;
  /**
   * How a new version of each service replaces the old one here: `RolloutStrategy.rolling()`,
   * `.canary({ steps })` or `.blueGreen()` (an Argo Rollouts Rollout); a service may override it.
   * @default RolloutStrategy.rolling()
   */
  readonly rollout?: RolloutStrategy;
  /**
   * The environment's Prometheus, objective and Argo CD server: what a rollout's analysis and
   * `npm run verify` check, and the soak time before a verified version may be promoted on.
   * @default - no analysis, and `npm run verify` refuses the environment
   */
  readonly verification?: VerificationProps;
  /**
   * Whether promotion into this environment needs every promoted version to have passed
   * `npm run verify` in the source environment, after its soak time (or `--skip-verification`).
   * @default false
   */
  readonly requiresVerifiedSource?: boolean;
  /**
   * A developer's local cluster (kind): applied by hand, not synced by Argo CD, not part of
   * promotion, documented apart from the deployed environments.
   * @default false
   */
  readonly local?: boolean;
  /**
   * Whether the services run in the cluster; `false` renders only the shared objects and
   * datastores, for services run on the host against them (seed 000's "Local Headless").
   * @default true
   */
  readonly runServices?: boolean;
  /**
   * Tag new overlays of this environment start at (e.g. `local` for images loaded with
   * `kind load`); existing pins are always kept.
   * @default - each service's initialTag
   */
  readonly initialImageTag?: string;
  /**
   * The Argo CD clusters the environment deploys to, each with what differs there (variables,
   * hosts, scaling, resources, datastore endpoints). With two or more, every cluster gets
   * `overlays/<env>/clusters/<name>/` layered over the environment's overlays, which keep the
   * environment's image pins: its clusters share them until a wave pins one apart.
   * @default - the platform's `gitops.destinationServer` (Argo CD's own cluster)
   */
  readonly clusters?: readonly ClusterProps[];
}

/** An environment table row with every default filled in and every value checked. */
export class Environment {
  /** Short name (`dev`). */
  public readonly name: string;
  /** Namespace of every object (`craftista-dev`). */
  public readonly namespace: string;
  /** What the environment is for. */
  public readonly purpose: string | undefined;
  /** Replica count or autoscaling bounds. */
  public readonly scaling: Scaling;
  /** Default container resources. */
  public readonly resources: ResourceRequirements;
  /** Variables for every service. */
  public readonly variables: Readonly<Record<string, string>>;
  /** Variables per service name. */
  public readonly serviceVariables: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Data of the shared ConfigMap. */
  public readonly sharedVariables: Readonly<Record<string, string>>;
  /** Environment promoted into this one, if any. */
  public readonly promotedFrom: string | undefined;
  /** Whether promotion into this environment needs approval. */
  public readonly requiresApproval: boolean;
  /** Whether `latest` may be pinned. */
  public readonly allowLatestTag: boolean;
  /** Whether services get a PodDisruptionBudget. */
  public readonly disruptionBudget: boolean;
  /** Whether Argo CD syncs automatically. */
  public readonly autoSync: boolean;
  /** How the environment is operated. */
  public readonly operations: Operations;
  /** Validation settings. */
  public readonly validation: ValidationSettings;
  /** Pod Security admission labels. */
  public readonly podSecurity: PodSecurityProps;
  /** Network policy posture. */
  public readonly networkPolicy: NetworkPolicyMode;
  /** Public hosts, if exposed. */
  public readonly ingress: IngressProps | undefined;
  /** Certificate source, if any. */
  public readonly tls: Tls | undefined;
  /** Datastore settings. */
  public readonly datastores: DatastoreSettings;
  /** Secret source. */
  public readonly secrets: SecretSource;
  /** Automated sync window, if restricted. */
  public readonly syncWindow: SyncWindowProps | undefined;
  /** Scheduling and pull settings of services' pods. */
  public readonly scheduling: SchedulingSettings;
  /** How new versions replace old ones, unless a service overrides it. */
  public readonly rollout: RolloutStrategy;
  /** Prometheus, objective and soak time, if the environment can be verified. */
  public readonly verification: VerificationSettings | undefined;
  /** Whether promotion into this environment needs verified source versions. */
  public readonly requiresVerifiedSource: boolean;
  /** Whether this is a developer's local cluster. */
  public readonly local: boolean;
  /** Whether services run in the cluster. */
  public readonly runServices: boolean;
  /** Tag of new overlays, if the environment sets one. */
  public readonly initialImageTag: string | undefined;
  /** The clusters the environment deploys to (none: the platform's default destination). */
  public readonly clusters: readonly Cluster[];
  /** The cluster this row is rendered for, when it is one cluster's view of a multi-cluster environment. */
  public readonly cluster: Cluster | undefined;
  /** The row as given, to derive each cluster's view from. */
  private readonly props: EnvironmentProps;

  /**
   * @param props the row
   * @param cluster set only by `inCluster`: the cluster this row is the view of
   */
  constructor(props: EnvironmentProps, cluster?: Cluster) {
    const path = `environments/${typeof props?.name === 'string' ? props.name : '?'}`;
    checkProps(path, props, ENVIRONMENT_SHAPE);
    checkDnsLabel(path, 'environment name', props.name);
    checkDnsLabel(path, 'namespace', props.namespace);
    props.scaling.validate(path);
    resolveResources(path, props.resources);
    checkVariables(path, props.variables ?? {});
    checkNoReferences(path, props.variables ?? {});
    for (const [service, variables] of Object.entries(props.serviceVariables ?? {})) {
      checkNoReferences(`${path}/serviceVariables/${service}`, variables);
    }
    for (const [service, variables] of Object.entries(props.serviceVariables ?? {})) {
      checkVariables(`${path}/${service}`, variables);
    }
    checkVariables(`${path}/sharedVariables`, props.sharedVariables ?? {});
    this.name = props.name;
    this.namespace = props.namespace;
    this.purpose = props.purpose;
    this.scaling = props.scaling;
    this.resources = props.resources;
    this.variables = props.variables ?? {};
    this.serviceVariables = props.serviceVariables ?? {};
    this.sharedVariables = props.sharedVariables ?? {};
    this.promotedFrom = props.promotedFrom;
    this.requiresApproval = props.requiresApproval ?? false;
    this.allowLatestTag = props.allowLatestTag ?? false;
    this.disruptionBudget = props.disruptionBudget ?? props.scaling.maxReplicas > 1;
    this.autoSync = props.autoSync ?? true;
    this.operations = resolveOperations(path, props.operations);
    this.validation = resolveValidation(props.validation, this.disruptionBudget);
    this.podSecurity = props.podSecurity ?? { enforce: 'restricted' };
    this.networkPolicy = props.networkPolicy ?? NetworkPolicyMode.DEFAULT_DENY;
    if (props.tls && !props.ingress) {
      throw new StagecraftError(path, 'tls needs an ingress: set ingress.host, or remove tls');
    }
    this.ingress = props.ingress;
    this.tls = props.tls;
    this.datastores = resolveDatastoreSettings(path, props.datastores, props.resources);
    this.secrets = props.secrets ?? SecretSource.manual();
    if (props.syncWindow) checkSyncWindow(path, props.syncWindow);
    this.syncWindow = props.syncWindow;
    this.scheduling = resolveScheduling(path, props.scheduling, props.local ?? false);
    this.rollout = props.rollout ?? RolloutStrategy.rolling();
    this.verification = props.verification ? resolveVerification(path, props.verification) : undefined;
    this.requiresVerifiedSource = props.requiresVerifiedSource ?? false;
    this.local = props.local ?? false;
    this.runServices = props.runServices ?? true;
    const badTag = props.initialImageTag !== undefined ? tagProblem(props.initialImageTag) : undefined;
    if (badTag !== undefined) throw new StagecraftError(path, `initialImageTag: ${badTag}`);
    this.initialImageTag = props.initialImageTag;
    this.props = props;
    this.cluster = cluster;
    this.clusters = (props.clusters ?? []).map((c) => new Cluster(path, c));
    checkClusters(path, this);
    if (this.local && props.promotedFrom !== undefined) {
      throw new StagecraftError(
        path,
        `a local environment is not part of promotion, got promotedFrom ${JSON.stringify(props.promotedFrom)}`,
      );
    }
  }

  /** Whether the environment spans several clusters (then each has its own overlays). */
  public get spansClusters(): boolean {
    return this.clusters.length > 1;
  }

  /** The cluster called `name`, or a one-line error listing this environment's clusters. */
  public clusterNamed(name: string): Cluster {
    const found = this.clusters.find((c) => c.name === name);
    if (!found) {
      const allowed = this.clusters.map((c) => c.name);
      throw new StagecraftError(
        `environments/${this.name}`,
        `unknown cluster ${JSON.stringify(name)}; ` +
          (allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'the environment declares no clusters'),
      );
    }
    return found;
  }

  /**
   * This environment as it runs in `cluster`: the cluster's values over the row's (variables and
   * datastore endpoints merged key by key, the rest replaced), same name and namespace.
   */
  public inCluster(cluster: Cluster): Environment {
    const c = cluster.props;
    const p = this.props;
    return new Environment(
      {
        ...p,
        clusters: undefined,
        variables: { ...p.variables, ...c.variables },
        sharedVariables: { ...p.sharedVariables, ...c.sharedVariables },
        ingress: c.ingress ?? p.ingress,
        scaling: c.scaling ?? p.scaling,
        resources: c.resources ?? p.resources,
        datastores: { ...p.datastores, external: { ...p.datastores?.external, ...c.datastores?.external } },
      },
      cluster,
    );
  }
}

/** Cluster names unique in the row, and cluster scaling of the row's kind (the cluster overlay patches it). */
function checkClusters(path: string, env: Environment): void {
  const seen = new Set<string>();
  for (const cluster of env.clusters) {
    if (seen.has(cluster.name)) {
      throw new StagecraftError(path, `duplicate cluster name ${JSON.stringify(cluster.name)}: names must be unique`);
    }
    seen.add(cluster.name);
    const scaling = cluster.props.scaling;
    if (scaling && (scaling.autoscale === undefined) !== (env.scaling.autoscale === undefined)) {
      const kind = (s: Scaling) => (s.autoscale ? 'autoscaled' : 'fixed');
      throw new StagecraftError(
        `${path}/clusters/${cluster.name}`,
        `scaling must be ${kind(env.scaling)} like the environment's, got ${kind(scaling)}`,
      );
    }
  }
  if (env.local && env.clusters.length > 0) {
    throw new StagecraftError(path, 'a local environment is applied by hand, not by Argo CD: remove clusters');
  }
}

/** The keys of `EnvironmentProps`, checked at run time: a misspelt key is an error, never ignored. */
export const ENVIRONMENT_SHAPE = shape<EnvironmentProps>('EnvironmentProps', {
  name: 'string',
  namespace: 'string',
  purpose: 'string',
  scaling: { instanceOf: Scaling, hint: 'a Scaling (Scaling.fixed(n) or Scaling.autoscale({...}))' },
  resources: RESOURCES_SHAPE,
  variables: 'stringMap',
  serviceVariables: { mapOf: 'stringMap' },
  sharedVariables: 'stringMap',
  promotedFrom: 'string',
  requiresApproval: 'boolean',
  allowLatestTag: 'boolean',
  disruptionBudget: 'boolean',
  autoSync: 'boolean',
  operations: OPERATIONS_SHAPE,
  validation: VALIDATION_SHAPE,
  podSecurity: POD_SECURITY_SHAPE,
  networkPolicy: { oneOf: Object.values(NetworkPolicyMode) },
  ingress: INGRESS_SHAPE,
  tls: { instanceOf: Tls, hint: 'a Tls (Tls.selfSigned(), Tls.acme({...}) or Tls.existingSecret(name))' },
  datastores: DATASTORE_ENVIRONMENT_SHAPE,
  secrets: {
    instanceOf: SecretSource,
    hint: 'a SecretSource (SecretSource.manual() or SecretSource.externalSecrets({...}))',
  },
  syncWindow: SYNC_WINDOW_SHAPE,
  local: 'boolean',
  runServices: 'boolean',
  initialImageTag: 'string',
  clusters: { listOf: CLUSTER_SHAPE },
  scheduling: SCHEDULING_SHAPE,
  rollout: {
    instanceOf: RolloutStrategy,
    hint: 'a RolloutStrategy (RolloutStrategy.rolling(), .canary({...}) or .blueGreen({...}))',
  },
  verification: VERIFICATION_SHAPE,
  requiresVerifiedSource: 'boolean',
});
