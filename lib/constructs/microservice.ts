import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { EndpointEnvVar, IEndpoint } from './endpoint';
import { Environment } from '../model/environment';
import { ResolvedResources, ResourceOverride, resolveResources } from '../model/resources';
import { Scaling } from '../model/scaling';
import { checkDnsLabel, checkMinimum, checkPort, checkQuantity, checkVariables, uniqueChildId } from '../core/checks';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security-context';
import { Exposure } from '../model/exposure';
import { StagecraftError } from '../core/errors';
import { RolloutStrategy } from '../model/rollout-strategy';

/** What one service changes in one environment, on top of the environment table. */
export interface ServiceOverride {
  /**
   * Replica count or autoscaling bounds for this service only.
   * @default - the environment's scaling
   */
  readonly scaling?: Scaling;
  /**
   * CPU and memory for this service only, field by field.
   * @default - the environment's resources
   */
  readonly resources?: ResourceOverride;
  /**
   * Extra or replaced environment variables for this service only.
   * @default {}
   */
  readonly variables?: Record<string, string>;
  /**
   * How this service's new versions replace old ones here (see `rolloutStrategyOf`).
   * @default - the environment's rollout strategy
   */
  readonly rollout?: RolloutStrategy;
}

/** Props of a `Microservice`. */
export interface MicroserviceProps {
  /**
   * Image repository without tag or digest (e.g. `craftista/catalogue`). Tags belong to the
   * overlays: promotion moves them, constructs never see them.
   */
  readonly image: string;
  /** Container port the service listens on; the Service exposes the same port. */
  readonly port: number;
  /**
   * Tag written to an overlay that has none yet (a new service or a new environment).
   * Once an overlay holds a tag, synth keeps it; only promotion changes it.
   */
  readonly initialTag: string;
  /**
   * `app.kubernetes.io/component` label.
   * @default 'backend'
   */
  readonly component?: string;
  /**
   * HTTP path of the liveness and readiness probes.
   * @default '/health'
   */
  readonly healthPath?: string;
  /**
   * Seconds before the first liveness probe (slow-starting runtimes such as the JVM need more).
   * @default 10
   */
  readonly livenessInitialDelaySeconds?: number;
  /**
   * Environment variables that are the same in every environment.
   * @default {}
   */
  readonly variables?: Record<string, string>;
  /**
   * What this service connects to, keyed by the environment variable that carries the
   * endpoint's URL (e.g. `{ PRODUCTS_API_BASE_URI: catalogue }` sets
   * `PRODUCTS_API_BASE_URI=http://catalogue:5000`). Each is also an allowed network edge.
   * @default {}
   */
  readonly connections?: Record<string, IEndpoint>;
  /**
   * Per-environment exceptions to the environment table, keyed by environment name.
   * @default {}
   */
  readonly overrides?: Record<string, ServiceOverride>;
  /**
   * Variables read from Secret keys, e.g. `{ AZURE_CLIENT_SECRET: { secret: 'app-secrets', key:
   * 'AZURE_CLIENT_SECRET' } }`. The Secret comes from the environment's secret source (an
   * ExternalSecret in the cloud, created out of band or from `.env` locally); no value is ever
   * in the manifests.
   * @default {}
   */
  readonly secretVariables?: Record<string, SecretKeyRef>;
  /**
   * Protocol of the port: HTTP services get `httpGet` probes on `healthPath`; gRPC services get
   * Kubernetes' native gRPC probes (the standard grpc.health.v1 service).
   * @default 'http'
   */
  readonly protocol?: 'http' | 'grpc';
  /**
   * Where the service is reachable from outside the cluster (through the environment's Ingress).
   * @default - not exposed
   */
  readonly exposure?: Exposure;
  /**
   * Container command (entrypoint).
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Container arguments.
   * @default - the image's command
   */
  readonly args?: string[];
  /**
   * Numeric user and group the container runs as (non-root).
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Writable directories, each an emptyDir, since the root filesystem is read-only.
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
}

/** A reference to one key of a Secret. */
export interface SecretKeyRef {
  /** Secret name. */
  readonly secret: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** The settings a service resolves to in one environment. */
export interface ServiceSettings {
  /** Replica count or autoscaling bounds. */
  readonly scaling: Scaling;
  /** Container requests and limits. */
  readonly resources: ResolvedResources;
  /** Every environment variable the container sees, sorted by name. */
  readonly variables: Readonly<Record<string, string>>;
  /** Only the variables the environment adds or changes over the base. */
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** Container env entries of the connections (URLs, credentials by reference), in order. */
  readonly connectionEnv: readonly EndpointEnvVar[];
}

const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * A stateless HTTP service: Deployment, Service, ConfigMap and ServiceAccount in its base,
 * plus a PodDisruptionBudget component that environments opt into. The pod is locked down
 * for the `restricted` Pod Security Standard: non-root, read-only root filesystem, no
 * privilege escalation, every capability dropped, RuntimeDefault seccomp, no API token.
 */
export class Microservice extends Construct implements IEndpoint {
  /** Service name: the Deployment, Service, ConfigMap and ServiceAccount are all called this. */
  public readonly name: string;
  /** Image repository, without tag. */
  public readonly image: string;
  /** Container and Service port. */
  public readonly port: number;
  /** Tag for overlays that do not hold one yet. */
  public readonly initialTag: string;
  /** `app.kubernetes.io/component`. */
  public readonly component: string;
  /** Probe path. */
  public readonly healthPath: string;
  /** What this service connects to, by the variable that carries the URL. */
  public readonly connections: Readonly<Record<string, IEndpoint>>;
  /** Where the service is reachable from outside, if anywhere. */
  public readonly exposure: Exposure | undefined;
  /** Protocol of the port. */
  public readonly protocol: 'http' | 'grpc';
  /** Variables read from Secret keys. */
  public readonly secretVariables: Readonly<Record<string, SecretKeyRef>>;
  /** Per-environment exceptions. */
  public readonly overrides: Readonly<Record<string, ServiceOverride>>;
  /** The base manifests (`dist/<name>/`). */
  public readonly base: Chart;
  /** The PodDisruptionBudget component (`dist/<name>/components/pdb/`). */
  public readonly disruptionBudget: Chart;
  /** Labels that select this service's pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  private readonly baseVariables: Readonly<Record<string, string>>;
  private readonly sharedConnections: Record<string, IEndpoint> = {};

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, uniqueChildId(scope, id, 'service'));
    const path = this.node.path;
    checkDnsLabel(path, 'service name', id);
    if (!IMAGE_REPOSITORY.test(props.image)) {
      throw new StagecraftError(
        path,
        `image must be a repository without tag or digest (e.g. craftista/catalogue), got ${JSON.stringify(props.image)}`,
      );
    }
    checkPort(path, 'port', props.port);
    checkVariables(path, props.variables ?? {});
    this.name = id;
    this.image = props.image;
    this.port = props.port;
    this.initialTag = props.initialTag;
    this.component = props.component ?? 'backend';
    this.healthPath = props.healthPath ?? '/health';
    this.connections = props.connections ?? {};
    this.exposure = props.exposure;
    this.protocol = props.protocol ?? 'http';
    this.secretVariables = props.secretVariables ?? {};
    checkVariables(path, Object.fromEntries(Object.keys(this.secretVariables).map((k) => [k, k])));
    this.overrides = props.overrides ?? {};
    const runAsUser = props.runAsUser ?? 10001;
    checkMinimum(path, 'runAsUser', runAsUser, 1);
    const livenessDelay = props.livenessInitialDelaySeconds ?? 10;
    checkMinimum(path, 'livenessInitialDelaySeconds', livenessDelay, 0);
    for (const [env, override] of Object.entries(this.overrides)) {
      override.scaling?.validate(`${path}/overrides/${env}`);
      checkVariables(`${path}/overrides/${env}`, override.variables ?? {});
      for (const [field, value] of Object.entries(override.resources ?? {})) {
        checkQuantity(`${path}/overrides/${env}`, `resources.${field}`, value);
      }
    }

    const partOf = scope.node.id;
    this.selectorLabels = { 'app.kubernetes.io/name': id, 'app.kubernetes.io/part-of': partOf };
    const labels = {
      ...this.selectorLabels,
      'app.kubernetes.io/component': this.component,
      'app.kubernetes.io/managed-by': 'stagecraft',
    };
    const metadata = { name: id, labels };
    checkVariables(path, Object.fromEntries(Object.entries(this.connections).map(([k, e]) => [k, e.url])));
    this.baseVariables = { ...props.variables };

    this.base = new Chart(this, 'base', { disableResourceNameHashes: true });
    new k8s.KubeServiceAccount(this.base, 'service-account', { metadata, automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this.base, 'config', { metadata, data: sortKeys(this.baseVariables) });
    const grpc = this.protocol === 'grpc';
    const portName = grpc ? 'grpc' : 'http';
    new k8s.KubeService(this.base, 'service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: portName, port: this.port, targetPort: k8s.IntOrString.fromString(portName), protocol: 'TCP' }],
      },
    });
    const writablePaths = props.writablePaths ?? ['/tmp'];
    const volumes = writablePaths.map((mountPath, i) => ({ name: `writable-${i}`, mountPath }));
    const probe = (initialDelaySeconds: number) => ({
      ...(grpc
        ? { grpc: { port: this.port } }
        : { httpGet: { path: this.healthPath, port: k8s.IntOrString.fromString(portName) } }),
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    new k8s.KubeDeployment(this.base, 'deployment', {
      metadata,
      spec: {
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: id,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(runAsUser),
            containers: [
              {
                name: id,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                command: props.command,
                args: props.args,
                ports: [{ name: portName, containerPort: this.port, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name: id } }],
                livenessProbe: probe(livenessDelay),
                readinessProbe: probe(0),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
              },
            ],
            volumes: volumes.map((v) => ({ name: v.name, emptyDir: {} })),
          },
        },
      },
    });

    this.disruptionBudget = new Chart(this, 'pdb', { disableResourceNameHashes: true });
    new k8s.KubePodDisruptionBudget(this.disruptionBudget, 'budget', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
    });
  }

  /** In-namespace URL of this service, e.g. `http://catalogue:5000`. */
  public get url(): string {
    return this.protocol === 'grpc' ? `${this.name}:${this.port}` : `http://${this.name}:${this.port}`;
  }

  /** Labels of this service's pods (the same in every environment). */
  public podSelectorFor(_env: Environment): Record<string, string> {
    return { ...this.selectorLabels };
  }

  /** Ports clients connect to. */
  public portsFor(_env: Environment): number[] {
    return [this.port];
  }

  /** A client reads this service's URL from `variable`. */
  public connectionEnv(variable: string, _env: Environment): EndpointEnvVar[] {
    return [{ name: variable, value: this.url }];
  }

  /** The URL holds no credential, so a shared ConfigMap carries it as it is. */
  public sharedConnectionEnv(variable: string, env: Environment): EndpointEnvVar[] {
    return this.connectionEnv(variable, env);
  }

  /**
   * Records connections this service reads from a shared ConfigMap (`SharedConfig` calls it
   * for each consumer): they are network edges like its own `connections`, and their Secret
   * references (credentials) join its container env; their literal values are in the ConfigMap.
   */
  public addSharedConnections(connections: Readonly<Record<string, IEndpoint>>): void {
    Object.assign(this.sharedConnections, connections);
  }

  /** Everything this service connects to: its own connections, then those of shared configuration. */
  public get endpoints(): IEndpoint[] {
    return [...Object.values(this.connections), ...Object.values(this.sharedConnections)];
  }

  /** Service pods are always in the manifests. */
  public operatorFor(_env: Environment): string | undefined {
    return undefined;
  }

  /** Checks that every override names an environment of `environments`. */
  public checkOverrides(environments: readonly Environment[]): void {
    const names = environments.map((e) => e.name);
    for (const env of Object.keys(this.overrides)) {
      if (!names.includes(env)) {
        throw new StagecraftError(
          this.node.path,
          `override for unknown environment ${JSON.stringify(env)}; allowed: ${names.join(', ')}`,
        );
      }
    }
  }

  /** What this service resolves to in `env`: table values, then this service's override. */
  public settingsFor(env: Environment): ServiceSettings {
    const override = this.overrides[env.name] ?? {};
    const path = `${this.node.path}/overrides/${env.name}`;
    const environmentVariables = sortKeys({
      ...env.variables,
      ...env.serviceVariables[this.name],
      ...override.variables,
    });
    const own: EndpointEnvVar[] = [
      ...Object.keys(this.connections)
        .sort()
        .flatMap((variable) => this.connections[variable].connectionEnv(variable, env)),
      ...Object.keys(this.secretVariables)
        .sort()
        .map((name) => ({
          name,
          valueFrom: {
            secretKeyRef: { name: this.secretVariables[name].secret, key: this.secretVariables[name].key },
          },
        })),
    ];
    // A credential both a direct and a shared connection need (the same Secret key) is listed once.
    const shared = Object.keys(this.sharedConnections)
      .sort()
      .flatMap((variable) => this.sharedConnections[variable].sharedConnectionEnv(variable, env))
      .filter((e) => e.valueFrom !== undefined);
    const names = new Set(own.map((e) => e.name));
    const sharedRefs = shared.filter((e) => !names.has(e.name) && names.add(e.name));
    return {
      scaling: override.scaling ?? env.scaling,
      resources: resolveResources(path, env.resources, override.resources),
      variables: sortKeys({ ...this.baseVariables, ...environmentVariables }),
      environmentVariables,
      connectionEnv: [...own, ...sharedRefs],
    };
  }

  /** The base manifests, in a stable order. */
  public baseManifests(): ApiObjectJson[] {
    return this.base.toJson();
  }
}

/** A synthesized Kubernetes object. */
export type ApiObjectJson = { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
