import { Operations, OperationsProps, resolveOperations } from './operations';
import { PodSecurityProps } from './pod-security';
import { SecretSource } from './secret-source';
import { checkSyncWindow, SyncWindowProps } from './sync-window';
import { Tls } from './tls';
import { ResourceRequirements, resolveResources } from './resources';
import { Scaling } from './scaling';
import { checkDnsLabel, checkVariables } from '../core/checks';
import { resolveValidation, ValidationProps, ValidationSettings } from './validation-settings';
import { DatastoreEnvironmentProps, DatastoreSettings, resolveDatastoreSettings } from './datastore-settings';
import { IngressProps } from './exposure';
import { NetworkPolicyMode } from './network-policy-mode';
import { StagecraftError } from '../core/errors';
import { RolloutStrategy } from './rollout-strategy';
import { resolveVerification, VerificationProps, VerificationSettings } from './verification-settings';

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
   * How the environment is operated (monitoring, recovery, security practice, cost), for
   * the generated ENVIRONMENTS.md.
   * @default - no monitoring, console logs, manual rotation, weekly scans, no DR
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

  constructor(props: EnvironmentProps) {
    const path = `environments/${props.name}`;
    checkDnsLabel(path, 'environment name', props.name);
    checkDnsLabel(path, 'namespace', props.namespace);
    props.scaling.validate(path);
    resolveResources(path, props.resources);
    checkVariables(path, props.variables ?? {});
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
    this.operations = resolveOperations(props.operations);
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
    this.rollout = props.rollout ?? RolloutStrategy.rolling();
    this.verification = props.verification ? resolveVerification(path, props.verification) : undefined;
    this.requiresVerifiedSource = props.requiresVerifiedSource ?? false;
    this.local = props.local ?? false;
    this.runServices = props.runServices ?? true;
    this.initialImageTag = props.initialImageTag;
    if (this.local && props.promotedFrom !== undefined) {
      throw new StagecraftError(
        path,
        `a local environment is not part of promotion, got promotedFrom ${JSON.stringify(props.promotedFrom)}`,
      );
    }
  }
}
