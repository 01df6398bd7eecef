import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { EndpointEnvVar, IEndpoint } from './endpoint';
import { Environment } from '../model/environment';
import {
  RESOURCES_SHAPE,
  ResolvedResources,
  ResourceOverride,
  layerResources,
  resolveResources,
} from '../model/resources';
import { Scaling } from '../model/scaling';
import {
  checkNoReferences,
  checkDnsLabel,
  checkMinimum,
  checkPort,
  checkQuantity,
  checkVariables,
  uniqueChildId,
} from '../core/checks';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security-context';
import { Exposure } from '../model/exposure';
import { StagecraftError } from '../core/errors';
import { Field, checkProps, shape } from '../core/props-shape';
import { bytes, milliCpu } from '../core/quantity';
import { Probe } from './probe';
import { CONTAINER_SHAPE, ContainerProps, resolveContainer } from './container';
import { VOLUME_MOUNT_SHAPE, VolumeMountProps, resolveVolumes } from './volume';
import { ServiceType } from './service-type';
import { ServiceCustomizer } from './service-customizer';
import { fillTemplate } from './connection-template';
import { tagProblem } from '../core/oci-reference';
import {
  METRICS_ENDPOINT_SHAPE,
  MetricsEndpoint,
  MetricsEndpointProps,
  resolveMetricsEndpoint,
} from './metrics-endpoint';
import { Objective } from '../model/objective';
import { SeriesSelector, Sli } from '../model/sli';
import { RolloutStrategy } from '../model/rollout-strategy';
import { chartJson } from './chart-json';

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
   * Names this service had before (oldest first): synth takes the pins of an overlay under an
   * old name, so a rename keeps what every environment runs.
   * @default []
   */
  readonly previousNames?: readonly string[];
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
   * What this service reaches without reading its address from a variable (a fixed address in
   * its configuration, a sidecar that proxies): each is an allowed network edge, no variable is set.
   * @default []
   */
  readonly dependsOn?: IEndpoint[];
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
   * Where the service serves Prometheus metrics; environments whose table scrapes render a
   * ServiceMonitor (a PodMonitor for a worker) on it.
   * @default - no metrics endpoint: never scraped, no SLO
   */
  readonly metrics?: MetricsEndpointProps;
  /**
   * This service's own objectives, rendered where the environment's alerts are comprehensive.
   * `[]` opts out of the environment's SLO.
   * @default - the environment's `operations.slo`, if it has one
   */
  readonly objectives?: readonly Objective[];
  /**
   * The SLI of objectives that name none (the environment's SLO among them), e.g.
   * `Sli.http({ metric: 'http_server_requests_seconds_count', statusLabel: 'status' })` for Spring.
   * @default - from the protocol: `Sli.http()` or `Sli.grpc()` (a worker has none)
   */
  readonly sli?: Sli;
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
  /**
   * The environments this service runs in, by name (a load generator only in prod). Elsewhere
   * it has no overlay, no network policy and no compose entry; nothing may connect to it there.
   * @default - every environment of the table
   */
  readonly environments?: string[];
  /**
   * Port of the Service, when clients use another port than the container's (frontend 80 -> 8080).
   * Connections carry this port; network policies the container's.
   * @default - `port`
   */
  readonly servicePort?: number;
  /**
   * Kind of Kubernetes Service.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * Fixed node port of a `NODE_PORT` or `LOAD_BALANCER` Service (30000-32767).
   * @default - assigned by the cluster
   */
  readonly nodePort?: number;
  /**
   * Port on the developer's machine (Docker Compose, `make kind-forward`); unique in the platform.
   * @default - `port`, or the next port no other service or datastore publishes
   */
  readonly localPort?: number;
  /**
   * Readiness probe. Setting it replaces the one `protocol` and `healthPath` give.
   * @default - an HTTP GET on `healthPath`, or the gRPC health check for `protocol: 'grpc'`
   */
  readonly readinessProbe?: Probe;
  /**
   * Liveness probe.
   * @default - like the readiness probe, after `livenessInitialDelaySeconds`
   */
  readonly livenessProbe?: Probe;
  /**
   * Startup probe: liveness and readiness wait until it passes (slow starters).
   * @default - none
   */
  readonly startupProbe?: Probe;
  /**
   * Seconds the pod has to shut down after SIGTERM.
   * @default - Kubernetes' 30
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Annotations of the pod template (e.g. `sidecar.istio.io/rewriteAppHTTPProbers`).
   * @default {}
   */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Extra labels of the pod template; the selector labels are the platform's and cannot be replaced.
   * @default {}
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Name of the service's container.
   * @default - the service name
   */
  readonly containerName?: string;
  /**
   * Containers that run to completion, in order, before the service starts.
   * @default []
   */
  readonly initContainers?: ContainerProps[];
  /**
   * Containers beside the service's (a proxy, a log shipper).
   * @default []
   */
  readonly sidecars?: ContainerProps[];
  /**
   * Volumes from ConfigMaps, Secrets or scratch directories, mounted into the service's container.
   * @default []
   */
  readonly volumes?: VolumeMountProps[];
  /**
   * Node labels the pod must run on.
   * @default {}
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Taints the pod tolerates.
   * @default []
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Node and pod affinity, as Kubernetes writes it.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * CPU and memory of this service in every environment, field by field over the table's
   * `resources`; `overrides[env].resources` wins over both. Precedence: table, then this, then
   * the override.
   * @default - the environment table's resources
   */
  readonly resources?: ResourceOverride;
  /**
   * The escape hatch for anything the props do not say: called with this service's objects as
   * they render in each environment (namespace, replicas, resources, variables applied; images
   * without their tag, which the overlay pins), it may change them in place and push new ones.
   * What it changes becomes a JSON patch in that environment's overlay, what it adds a resource
   * there; removing an object or changing an image is refused.
   * @default - no changes
   */
  readonly customize?: ServiceCustomizer;
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
 * How a `Worker` changes the pod a `Microservice` renders (internal: only `Worker` passes it).
 * @internal
 */
export interface WorkloadShape {
  /** No port, no Service. */
  readonly portless: true;
  /** Timings of the default exec probes. */
  readonly probeDefaults: { readonly periodSeconds: number; readonly timeoutSeconds: number };
  /** The probe every default probe runs, or undefined when the worker gives both its probes. */
  readonly defaultProbe: Probe | undefined;
}

/**
 * A stateless HTTP or gRPC service: Deployment, Service, ConfigMap and ServiceAccount in its
 * base, plus a PodDisruptionBudget component that environments opt into. The pod is locked down
 * for the `restricted` Pod Security Standard: non-root, read-only root filesystem, no privilege
 * escalation, every capability dropped, RuntimeDefault seccomp, no API token.
 */
export class Microservice extends Construct implements IEndpoint {
  /** Service name: the Deployment, Service, ConfigMap and ServiceAccount are all called this. */
  public readonly name: string;
  /** Image repository, without tag. */
  public readonly image: string;
  /** Container port, or undefined for a worker. */
  public readonly containerPort: number | undefined;
  /** Port of the Service clients connect to, or undefined for a worker. */
  public readonly servicePort: number | undefined;
  /** Port on the developer's machine the model fixes, if any (see `localPorts`). */
  public readonly localPort: number | undefined;
  /** Tag for overlays that do not hold one yet. */
  public readonly initialTag: string;
  /** Names this service had before; synth takes their overlays' pins. */
  public readonly previousNames: readonly string[];
  /** `app.kubernetes.io/component`. */
  public readonly component: string;
  /** Probe path. */
  public readonly healthPath: string;
  /** What this service connects to, by the variable that carries the URL. */
  public readonly connections: Readonly<Record<string, IEndpoint>>;
  /** What it reaches without a variable (network edges only). */
  public readonly dependsOn: readonly IEndpoint[];
  /** Where the service is reachable from outside, if anywhere. */
  public readonly exposure: Exposure | undefined;
  /** Protocol of the port. */
  public readonly protocol: 'http' | 'grpc';
  /** Variables read from Secret keys. */
  public readonly secretVariables: Readonly<Record<string, SecretKeyRef>>;
  /** Where metrics are served, if anywhere. */
  public readonly metricsEndpoint: MetricsEndpoint | undefined;
  /** Own objectives, or undefined for the environment's. */
  public readonly objectives: readonly Objective[] | undefined;
  /** The SLI of objectives that name none, when declared. */
  protected readonly sli: Sli | undefined;
  /** Per-environment exceptions. */
  public readonly overrides: Readonly<Record<string, ServiceOverride>>;
  /** Environments the service runs in, or undefined for all. */
  public readonly environments: readonly string[] | undefined;
  /** Name of the service's container. */
  public readonly containerName: string;
  /** Container command, if it replaces the image's entrypoint. */
  public readonly command: readonly string[] | undefined;
  /** Container arguments, if they replace the image's command. */
  public readonly args: readonly string[] | undefined;
  /** Numeric user and group of the container. */
  public readonly runAsUser: number;
  /** Writable directories of the container. */
  public readonly writablePaths: readonly string[];
  /** Requests and limits of the init containers and sidecars (the same everywhere; part of the pod's QoS class). */
  public readonly extraContainerResources: readonly ResolvedResources[];
  /** The escape hatch, if any. */
  public readonly customize: ServiceCustomizer | undefined;
  /** The base manifests (`dist/<name>/`). */
  public readonly base: Chart;
  /** The PodDisruptionBudget component (`dist/<name>/components/pdb/`). */
  public readonly disruptionBudget: Chart;
  /** Labels that select this service's pods. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  private readonly baseVariables: Readonly<Record<string, string>>;
  private readonly baseResources: ResourceOverride;
  private readonly sharedConnections: Record<string, IEndpoint> = {};
  private kubernetesApiReason: string | undefined;

  constructor(scope: Construct, id: string, props: MicroserviceProps, workload?: WorkloadShape) {
    super(scope, uniqueChildId(scope, id, 'service'));
    const path = this.node.path;
    if (!workload) checkProps(path, props, MICROSERVICE_SHAPE);
    checkDnsLabel(path, 'service name', id);
    if (!IMAGE_REPOSITORY.test(props.image)) {
      throw new StagecraftError(
        path,
        `image must be a repository without tag or digest (e.g. craftista/catalogue), got ${JSON.stringify(props.image)}`,
      );
    }
    const badTag = tagProblem(props.initialTag);
    if (badTag !== undefined) throw new StagecraftError(path, `initialTag: ${badTag}`);
    if (!workload) checkPort(path, 'port', props.port);
    checkVariables(path, props.variables ?? {});
    this.name = id;
    this.image = props.image;
    this.containerPort = workload ? undefined : props.port;
    this.servicePort = workload ? undefined : (props.servicePort ?? props.port);
    this.localPort = workload ? undefined : props.localPort;
    this.initialTag = props.initialTag;
    this.previousNames = props.previousNames ?? [];
    for (const old of this.previousNames) checkDnsLabel(path, 'previous service name', old);
    this.component = props.component ?? 'backend';
    this.healthPath = props.healthPath ?? '/health';
    this.connections = props.connections ?? {};
    this.dependsOn = props.dependsOn ?? [];
    this.exposure = props.exposure;
    this.protocol = props.protocol ?? 'http';
    this.secretVariables = props.secretVariables ?? {};
    this.environments = props.environments;
    this.containerName = props.containerName ?? id;
    this.command = props.command;
    this.args = props.args;
    this.customize = props.customize;
    this.baseResources = props.resources ?? {};
    checkVariables(path, Object.fromEntries(Object.keys(this.secretVariables).map((k) => [k, k])));
    this.overrides = props.overrides ?? {};
    this.metricsEndpoint = props.metrics
      ? resolveMetricsEndpoint(path, props.metrics, this.containerPort, this.protocol)
      : undefined;
    this.objectives = props.objectives;
    this.sli = props.sli;
    const runAsUser = props.runAsUser ?? 10001;
    checkMinimum(path, 'runAsUser', runAsUser, 1);
    this.runAsUser = runAsUser;
    const livenessDelay = props.livenessInitialDelaySeconds ?? 10;
    checkMinimum(path, 'livenessInitialDelaySeconds', livenessDelay, 0);
    checkNoOps(path, props, workload);
    checkDnsLabel(path, 'containerName', this.containerName);
    for (const [field, value] of Object.entries(this.baseResources)) {
      checkQuantity(path, `resources.${field}`, value as string);
    }
    for (const [env, override] of Object.entries(this.overrides)) {
      override.scaling?.validate(`${path}/overrides/${env}`);
      checkVariables(`${path}/overrides/${env}`, override.variables ?? {});
      checkNoReferences(`${path}/overrides/${env}`, override.variables ?? {});
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
      // Every object of the service is named after it; Polaris expects a controller's instance label to be its name.
      'app.kubernetes.io/instance': id,
    };
    for (const key of Object.keys(props.podLabels ?? {})) {
      if (key in labels) {
        throw new StagecraftError(
          path,
          `podLabels.${key} is set by the platform (selector and component labels); allowed: any other label`,
        );
      }
    }
    const metadata = { name: id, labels };
    checkVariables(path, Object.fromEntries(Object.entries(this.connections).map(([k, e]) => [k, e.url])));
    this.baseVariables = { ...props.variables };
    checkVariableConflicts(path, this.baseVariables, this.connections, this.secretVariables);

    this.base = new Chart(this, 'base', { disableResourceNameHashes: true });
    new k8s.KubeServiceAccount(this.base, 'service-account', { metadata, automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this.base, 'config', { metadata, data: sortKeys(this.baseVariables) });
    const grpc = this.protocol === 'grpc';
    const portName = workload ? undefined : grpc ? 'grpc' : 'http';
    const serviceType = props.serviceType ?? ServiceType.CLUSTER_IP;
    if (!workload) {
      checkPort(path, 'servicePort', this.servicePort!);
      if (props.nodePort !== undefined) checkNodePort(path, props.nodePort);
      new k8s.KubeService(this.base, 'service', {
        metadata,
        spec: {
          type: serviceType,
          selector: this.selectorLabels,
          ports: [
            {
              name: portName,
              port: this.servicePort!,
              targetPort: k8s.IntOrString.fromString(portName!),
              protocol: 'TCP',
              ...(props.nodePort !== undefined ? { nodePort: props.nodePort } : {}),
            },
            ...this.ownMetricsPort().map((p) => ({
              ...p,
              port: p.containerPort,
              targetPort: k8s.IntOrString.fromString(p.name),
            })),
          ],
        },
      });
    }
    const writablePaths = props.writablePaths ?? ['/tmp'];
    this.writablePaths = writablePaths;
    const scratch = writablePaths.map((mountPath, i) => ({ name: `writable-${i}`, mountPath }));
    const mounted = resolveVolumes(path, props.volumes ?? []);
    const defaultProbe = workload ? workload.defaultProbe : grpc ? Probe.grpc() : Probe.http();
    const probeDefaults = { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, ...workload?.probeDefaults };
    const probe = (name: string, chosen: Probe | undefined, initialDelaySeconds: number) =>
      (chosen ?? defaultProbe)?.toKube({
        path,
        name,
        portName,
        port: this.containerPort,
        healthPath: this.healthPath,
        defaults: { initialDelaySeconds, ...probeDefaults },
      });
    const extras = (what: 'initContainers' | 'sidecars') =>
      (props[what] ?? []).map((c, i) => resolveContainer(path, `${what}[${i}]`, c));
    const initContainers = extras('initContainers');
    const sidecars = extras('sidecars');
    this.extraContainerResources = [...initContainers, ...sidecars].map((c) => c.resources);
    const containerNames = [this.containerName, ...[...initContainers, ...sidecars].map((c) => c.container.name)];
    const twice = containerNames.find((n, i) => containerNames.indexOf(n) !== i);
    if (twice !== undefined) {
      throw new StagecraftError(
        path,
        `container name ${JSON.stringify(twice)} is used twice in the pod; allowed: unique names`,
      );
    }
    const podVolumes = uniqueVolumes(path, [
      ...scratch.map((v) => ({ name: v.name, emptyDir: {} })),
      ...mounted.map((m) => m.volume),
      ...[...initContainers, ...sidecars].flatMap((c) => c.volumes),
    ]);
    const startupProbe = props.startupProbe && probe('startupProbe', props.startupProbe, 0);
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
          metadata: {
            labels: { ...labels, ...sortKeys(props.podLabels ?? {}) },
            ...(props.podAnnotations ? { annotations: sortKeys(props.podAnnotations) } : {}),
          },
          spec: {
            serviceAccountName: id,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(runAsUser),
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
            nodeSelector: props.nodeSelector && sortKeys(props.nodeSelector),
            tolerations: props.tolerations,
            affinity: props.affinity,
            ...(initContainers.length > 0 ? { initContainers: initContainers.map((c) => c.container as never) } : {}),
            containers: [
              {
                name: this.containerName,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                command: props.command,
                args: props.args,
                ports:
                  portName || this.ownMetricsPort().length > 0
                    ? [
                        ...(portName ? [{ name: portName, containerPort: this.containerPort!, protocol: 'TCP' }] : []),
                        ...this.ownMetricsPort(),
                      ]
                    : undefined,
                envFrom: [{ configMapRef: { name: id } }],
                livenessProbe: probe('livenessProbe', props.livenessProbe, livenessDelay) as never,
                readinessProbe: probe('readinessProbe', props.readinessProbe, 0) as never,
                ...(startupProbe ? { startupProbe: startupProbe as never } : {}),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  ...scratch.map((v) => ({ name: v.name, mountPath: v.mountPath })),
                  ...mounted.map((m) => m.mount),
                ],
              },
              ...sidecars.map((c) => c.container as never),
            ],
            volumes: podVolumes as never,
          },
        },
      },
    });

    this.disruptionBudget = new Chart(this, 'pdb', { disableResourceNameHashes: true });
    new k8s.KubePodDisruptionBudget(this.disruptionBudget, 'budget', {
      metadata,
      // AlwaysAllow: a pod that never became ready must not block a node drain (kube-linter).
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: this.selectorLabels },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }

  /** Port clients connect to (the Service's); a worker has none. */
  public get port(): number {
    if (this.servicePort === undefined) {
      throw new StagecraftError(this.node.path, 'a worker has no port: it cannot be a connection or be exposed');
    }
    return this.servicePort;
  }

  /** Whether the service runs in `env` (its `environments`, else everywhere). */
  public runsIn(env: Environment): boolean {
    return this.environments === undefined || this.environments.includes(env.name);
  }

  /** The named `metrics` container port, where metrics are served on a port of their own. */
  protected ownMetricsPort(): { name: string; containerPort: number; protocol: 'TCP' }[] {
    const m = this.metricsEndpoint;
    return m && m.port !== this.containerPort ? [{ name: m.portName, containerPort: m.port, protocol: 'TCP' }] : [];
  }

  /** What Prometheus scrapes this service through: its Service (a worker has none: its pods). */
  public get scrapedBy(): 'ServiceMonitor' | 'PodMonitor' {
    return 'ServiceMonitor';
  }

  /** The SLI of an objective that names none: from the protocol (a worker has none). */
  protected defaultSli(): Sli | undefined {
    return this.sli ?? Sli.forProtocol(this.protocol);
  }

  /**
   * The objectives rendered in `env`, each with its SLI: none without a metrics endpoint or
   * where the environment's alerts are not comprehensive; else its own, or the environment's SLO.
   */
  public objectivesIn(env: Environment): (Objective & { readonly sli: Sli })[] {
    if (!env.operations.alerts.includesSlo) return [];
    const objectives = this.objectives ?? (env.operations.slo ? [env.operations.slo] : []);
    return objectives.flatMap((o) => this.measure(env, o) ?? []);
  }

  /**
   * `objective` as it is measured on this service in `env`: by the objective's own SLI, else
   * the service's (`sli`, else its protocol's). Undefined where nothing could answer it: no
   * metrics endpoint, an environment whose table does not scrape, or a worker without an SLI.
   * The alert rules, the rollout analysis and `npm run verify` all ask this, so they agree.
   */
  public measure(env: Environment, objective: Objective): (Objective & { readonly sli: Sli }) | undefined {
    if (!this.metricsEndpoint || !env.operations.metrics.enabled) return undefined;
    const sli = objective.sli ?? this.defaultSli();
    return sli ? objective.measuredBy(sli) : undefined;
  }

  /**
   * The series of this service in `env` its SLI counts: the `namespace` and `job` labels
   * Prometheus gives the targets of its monitor (`job` is the service name, see `JOB_LABEL`).
   */
  public seriesIn(env: Environment): SeriesSelector {
    return { namespace: env.namespace, job: this.name };
  }

  /** In-namespace URL of this service, e.g. `http://catalogue:5000`. */
  public get url(): string {
    return this.protocol === 'grpc' ? this.address : `http://${this.address}`;
  }

  /** In-namespace address without a scheme, e.g. `catalogue:5000` (gRPC clients and templates use it). */
  public get address(): string {
    return `${this.name}:${this.port}`;
  }

  /**
   * This service as a connection in the client's own format: `template` with `{host}`, `{port}`
   * (the Service's) and `{address}` (`host:port`), e.g. `frontend.connection('{address}')` gives
   * `frontend:80`, `connection('ws://{host}:{port}/socket')` a WebSocket URL.
   */
  public connection(template: string): IEndpoint {
    const value = fillTemplate(this.node.path, template, {
      host: this.name,
      port: `${this.port}`,
      address: this.address,
    });
    const service = this;
    return {
      name: this.name,
      port: this.port,
      url: value,
      podSelectorFor: (env) => service.podSelectorFor(env),
      portsFor: (env) => service.portsFor(env),
      operatorFor: () => undefined,
      connectionEnv: (variable) => [{ name: variable, value }],
      sharedConnectionEnv: (variable) => [{ name: variable, value }],
      runsIn: (env) => service.runsIn(env),
    };
  }

  /** Labels of this service's pods (the same in every environment). */
  public podSelectorFor(_env: Environment): Record<string, string> {
    return { ...this.selectorLabels };
  }

  /** Ports clients connect to. */
  public portsFor(_env: Environment): number[] {
    // Network policies select pods, so they name the container's port, not the Service's.
    return this.containerPort === undefined ? [] : [this.containerPort];
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
   * Records that this service's pods call the Kubernetes API server, and why (`JobGrant` calls
   * it when it mounts their token): their egress network policy then allows the API server.
   */
  public addKubernetesApiAccess(reason: string): void {
    this.kubernetesApiReason = reason;
  }

  /** Why this service's pods call the Kubernetes API server; undefined when they do not. */
  public get kubernetesApiAccess(): string | undefined {
    return this.kubernetesApiReason;
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
    return [...Object.values(this.connections), ...this.dependsOn, ...Object.values(this.sharedConnections)];
  }

  /** Service pods are always in the manifests. */
  public operatorFor(_env: Environment): string | undefined {
    return undefined;
  }

  /**
   * Checks that `environments` and every override name environments of the table, that no
   * override is for an environment the service does not run in, and that every service it
   * connects to runs wherever it does.
   */
  public checkOverrides(environments: readonly Environment[]): void {
    const names = environments.map((e) => e.name);
    for (const env of this.environments ?? []) {
      if (!names.includes(env)) {
        throw new StagecraftError(
          this.node.path,
          `environments lists unknown environment ${JSON.stringify(env)}; allowed: ${names.join(', ')}`,
        );
      }
    }
    if (this.environments !== undefined && this.environments.length === 0) {
      throw new StagecraftError(
        this.node.path,
        `environments must name at least one environment, got []; allowed: ${names.join(', ')}`,
      );
    }
    for (const env of Object.keys(this.overrides)) {
      if (!names.includes(env)) {
        throw new StagecraftError(
          this.node.path,
          `override for unknown environment ${JSON.stringify(env)}; allowed: ${names.join(', ')}`,
        );
      }
      if (this.environments !== undefined && !this.environments.includes(env)) {
        throw new StagecraftError(
          this.node.path,
          `override for ${JSON.stringify(env)}, where the service does not run; allowed: ${this.environments.join(', ')}`,
        );
      }
    }
    for (const env of environments.filter((e) => this.runsIn(e) && e.runServices)) {
      const fromTable = this.settingsFor(env).environmentVariables;
      for (const name of [...Object.keys(this.connections), ...Object.keys(this.secretVariables)]) {
        if (name in fromTable) {
          throw new StagecraftError(
            this.node.path,
            `variable ${name} is set by ${env.name}'s variables and by the service's ${name in this.connections ? 'connections' : 'secretVariables'} (the container env would win silently); allowed: one of them`,
          );
        }
      }
      for (const [variable, endpoint] of [
        ...Object.entries(this.connections),
        ...this.dependsOn.map((d) => [`dependsOn ${d.name}`, d] as const),
      ]) {
        if (endpoint.runsIn && !endpoint.runsIn(env)) {
          throw new StagecraftError(
            this.node.path,
            `${variable.startsWith('dependsOn') ? variable : `connection ${variable}`} is ${endpoint.name}, which does not run in ${env.name}; allowed: services of ${env.name}, or list only environments where ${endpoint.name} runs`,
          );
        }
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
      resources: resolveResources(path, layerResources(env.resources, this.baseResources), override.resources),
      variables: sortKeys({ ...this.baseVariables, ...environmentVariables }),
      environmentVariables,
      connectionEnv: [...own, ...sharedRefs],
    };
  }

  /** Kubernetes' QoS class of the pod in `env`: Guaranteed when every container's requests equal its limits. */
  public qosClassIn(env: Environment): 'Guaranteed' | 'Burstable' {
    const all = [this.settingsFor(env).resources, ...this.extraContainerResources];
    const equal = all.every(
      (r) => milliCpu(r.requests.cpu) === milliCpu(r.limits.cpu) && bytes(r.requests.memory) === bytes(r.limits.memory),
    );
    return equal ? 'Guaranteed' : 'Burstable';
  }

  /** The base manifests, in a stable order. */
  public baseManifests(): ApiObjectJson[] {
    return chartJson(this.base);
  }
}

/** A synthesized Kubernetes object. */
export type ApiObjectJson = { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function checkNodePort(path: string, nodePort: number): void {
  if (!Number.isInteger(nodePort) || nodePort < 30000 || nodePort > 32767) {
    throw new StagecraftError(path, `nodePort must be in the node port range 30000-32767, got ${nodePort}`);
  }
}

/** Values that would have no effect, or two props that say opposite things: refused, not ignored. */
function checkNoOps(path: string, props: MicroserviceProps, workload: WorkloadShape | undefined): void {
  const refuse = (message: string) => {
    throw new StagecraftError(path, message);
  };
  const type = props.serviceType ?? ServiceType.CLUSTER_IP;
  if (props.nodePort !== undefined && type === ServiceType.CLUSTER_IP) {
    refuse(
      `nodePort ${props.nodePort} has no effect on a ClusterIP Service; allowed: serviceType NODE_PORT or LOAD_BALANCER`,
    );
  }
  const explicit = [props.readinessProbe, props.livenessProbe].filter((p) => p !== undefined).length;
  const httpProbes = [props.readinessProbe, props.livenessProbe, props.startupProbe].filter((p) => p?.kind === 'http');
  if (props.healthPath !== undefined && !workload) {
    if (props.protocol === 'grpc' && httpProbes.length === 0) {
      refuse(
        `healthPath ${JSON.stringify(props.healthPath)} has no effect on a gRPC service (its probes are gRPC health checks); allowed: no healthPath, or Probe.http()`,
      );
    }
    if (explicit === 2 && httpProbes.length === 0) {
      refuse(
        `healthPath ${JSON.stringify(props.healthPath)} has no effect: readinessProbe and livenessProbe are both set and neither is Probe.http(); allowed: no healthPath`,
      );
    }
  }
  if (props.livenessInitialDelaySeconds !== undefined && props.livenessProbe?.kind === 'none') {
    refuse('livenessInitialDelaySeconds has no effect with livenessProbe Probe.none(); allowed: one of them');
  }
  if (
    props.livenessInitialDelaySeconds !== undefined &&
    props.livenessProbe?.timings.initialDelaySeconds !== undefined
  ) {
    refuse(
      `livenessInitialDelaySeconds ${props.livenessInitialDelaySeconds} has no effect: livenessProbe sets initialDelaySeconds ${props.livenessProbe.timings.initialDelaySeconds}; allowed: one of them`,
    );
  }
  if (props.environments !== undefined && new Set(props.environments).size !== props.environments.length) {
    refuse(`environments lists an environment twice, got ${JSON.stringify(props.environments)}`);
  }
}

/** A variable set twice: in `variables` and as a connection or Secret key, or `$(VAR)` where Kubernetes never expands it. */
function checkVariableConflicts(
  path: string,
  variables: Readonly<Record<string, string>>,
  connections: Readonly<Record<string, IEndpoint>>,
  secretVariables: Readonly<Record<string, SecretKeyRef>>,
): void {
  for (const name of Object.keys(variables)) {
    const other = name in connections ? 'connections' : name in secretVariables ? 'secretVariables' : undefined;
    if (other) {
      throw new StagecraftError(path, `variable ${name} is set in variables and in ${other}; allowed: one of them`);
    }
  }
  for (const name of Object.keys(connections)) {
    if (name in secretVariables) {
      throw new StagecraftError(
        path,
        `variable ${name} is set in connections and in secretVariables; allowed: one of them`,
      );
    }
  }
  checkNoReferences(path, variables);
}

/** Pod volumes by name: the same volume from the service and a sidecar is listed once; different ones refused. */
function uniqueVolumes(path: string, volumes: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const byName = new Map<string, Record<string, unknown>>();
  for (const v of volumes) {
    const name = v.name as string;
    const seen = byName.get(name);
    if (seen && JSON.stringify(seen) !== JSON.stringify(v)) {
      throw new StagecraftError(
        path,
        `volume ${JSON.stringify(name)} is defined twice with different sources; allowed: one source per name`,
      );
    }
    byName.set(name, v);
  }
  return [...byName.values()];
}

const PROBE: Field = { instanceOf: Probe, hint: 'a Probe (Probe.http(), .grpc(), .tcp(), .exec() or .none())' };
const SCALING: Field = { instanceOf: Scaling, hint: 'a Scaling (Scaling.fixed(n) or Scaling.autoscale({...}))' };
const ENDPOINT: Field = 'any';

/** The keys of `ServiceOverride`, checked at run time. */
export const SERVICE_OVERRIDE_SHAPE = shape<ServiceOverride>('ServiceOverride', {
  scaling: SCALING,
  resources: RESOURCES_SHAPE,
  variables: 'stringMap',
  rollout: {
    instanceOf: RolloutStrategy,
    hint: 'a RolloutStrategy (RolloutStrategy.rolling(), .canary({...}) or .blueGreen({...}))',
  },
});

/** The keys of `SecretKeyRef`, checked at run time. */
export const SECRET_KEY_REF_SHAPE = shape<SecretKeyRef>('SecretKeyRef', { secret: 'string', key: 'string' });

/** The fields every service kind shares (a `Worker` drops the port ones). */
export const SERVICE_FIELDS = {
  image: 'string',
  initialTag: 'string',
  component: 'string',
  livenessInitialDelaySeconds: 'number',
  variables: 'stringMap',
  connections: { mapOf: ENDPOINT },
  dependsOn: { listOf: ENDPOINT },
  overrides: { mapOf: SERVICE_OVERRIDE_SHAPE },
  secretVariables: { mapOf: SECRET_KEY_REF_SHAPE },
  command: 'strings',
  args: 'strings',
  runAsUser: 'number',
  writablePaths: 'strings',
  environments: 'strings',
  readinessProbe: PROBE,
  livenessProbe: PROBE,
  startupProbe: PROBE,
  terminationGracePeriodSeconds: 'number',
  podAnnotations: 'stringMap',
  podLabels: 'stringMap',
  containerName: 'string',
  initContainers: { listOf: CONTAINER_SHAPE },
  sidecars: { listOf: CONTAINER_SHAPE },
  volumes: { listOf: VOLUME_MOUNT_SHAPE },
  nodeSelector: 'stringMap',
  tolerations: { listOf: 'any' },
  affinity: 'any',
  resources: RESOURCES_SHAPE,
  customize: 'function',
  previousNames: 'strings',
  metrics: METRICS_ENDPOINT_SHAPE,
  objectives: { listOf: { instanceOf: Objective, hint: 'an Objective (Objective.availability(99.9, {...}))' } },
  sli: { instanceOf: Sli, hint: 'an Sli (Sli.http(), Sli.grpc(), Sli.ratio({...}) or Sli.promql({...}))' },
} as const;

/** The keys of `MicroserviceProps`, checked at run time: a misspelt prop is an error, never ignored. */
export const MICROSERVICE_SHAPE = shape<MicroserviceProps>('MicroserviceProps', {
  ...SERVICE_FIELDS,
  port: 'number',
  healthPath: 'string',
  protocol: { oneOf: ['http', 'grpc'] },
  exposure: { oneOf: Object.values(Exposure) },
  servicePort: 'number',
  serviceType: { oneOf: Object.values(ServiceType) },
  nodePort: 'number',
  localPort: 'number',
});
