import { Construct } from 'constructs';
import { checkDnsLabel } from '../core/checks';
import { StagecraftError } from '../core/errors';
import {
  checkKubernetesApi,
  ClusterComponents,
  DEFAULT_KUBERNETES_API,
  KubernetesApiEndpoint,
} from '../model/cluster-components';
import { EnvironmentTable } from '../model/environment-table';
import { GitOpsProps } from '../model/gitops';
import { Datastore } from './datastores/datastore';
import { DatastoreEngine } from './datastores/datastore-engine';
import { Microservice } from './microservice';
import { NamespaceBundle } from './namespace-bundle';
import { SharedConfig } from './shared-config';
import { localPorts } from './local-ports';
import { checkProps, shape } from '../core/props-shape';
import { GITOPS_SHAPE } from '../model/gitops';

/** Props of a `Platform`. */
export interface PlatformProps {
  /** The environment table: every environment and how it differs from the others. */
  readonly environments: EnvironmentTable;
  /**
   * Where Argo CD finds this repository; synth then writes `argocd/`.
   * @default - no Argo CD objects
   */
  readonly gitops?: GitOpsProps;
  /**
   * Ingress class of the platform's Ingress objects.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /**
   * Namespaces of the ingress controller and the datastore operators, and the Kubernetes API
   * server's addresses (for network policies); `operatorNamespaces` is keyed by engine name and
   * merged over the engines' own.
   * @default - ingress-nginx; each engine's operator namespace (e.g. `postgresql: 'cnpg-system'`); the API server at any address on TCP 443 and 6443
   */
  readonly cluster?: Partial<ClusterComponents>;
}

/** Directory names inside `overlays/<env>/` that the platform uses itself. */
const RESERVED_NAMES: readonly string[] = ['shared', 'clusters', 'secret-store'];

/**
 * A microservice platform: its services, datastores and the environment table. `synth()` (in
 * lib/synth) writes the bases to `dist/<service>/` and one thin Kustomize overlay per
 * environment and service to `overlays/<env>/<service>/`, keeping the image tags the overlays
 * already pin.
 */
export class Platform extends Construct {
  /** Returns the platform a construct belongs to. */
  public static of(construct: Construct): Platform {
    for (let scope: Construct | undefined = construct; scope; scope = scope.node.scope as Construct | undefined) {
      if (scope instanceof Platform) return scope;
    }
    throw new StagecraftError(construct.node.path, 'must be defined inside a Platform');
  }

  /** Platform name, the `app.kubernetes.io/part-of` label. */
  public readonly name: string;
  /** The environment table. */
  public readonly environments: EnvironmentTable;
  /** Argo CD settings, if any. */
  public readonly gitops: GitOpsProps | undefined;
  /** Ingress class. */
  public readonly ingressClassName: string;
  /** Cluster component namespaces. */
  public readonly cluster: ClusterComponents;

  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id);
    checkProps(this.node.path || id, props, PLATFORM_SHAPE);
    checkDnsLabel(this.node.path || id, 'platform name', id);
    this.name = id;
    this.environments = props.environments;
    this.gitops = props.gitops;
    this.ingressClassName = props.ingressClassName ?? 'nginx';
    this.cluster = {
      ingressControllerNamespace: props.cluster?.ingressControllerNamespace ?? 'ingress-nginx',
      operatorNamespaces: {
        ...Object.fromEntries(DatastoreEngine.all().map((e) => [e.name, e.operatorNamespace])),
        ...props.cluster?.operatorNamespaces,
      },
      kubernetesApi: props.cluster?.kubernetesApi ?? DEFAULT_KUBERNETES_API,
    };
    checkKubernetesApi(this.node.path || id, this.cluster.kubernetesApi);
  }

  /** Every datastore, in definition order. */
  public get datastores(): Datastore[] {
    return this.node.children.filter((c): c is Datastore => c instanceof Datastore);
  }

  /** The platform's shared ConfigMap and Secret reference, if it has one. */
  public get sharedConfig(): SharedConfig | undefined {
    return this.node.children.find((c): c is SharedConfig => c instanceof SharedConfig);
  }

  /** Namespace bundles, in definition order. */
  public get bundles(): NamespaceBundle[] {
    return this.node.children.filter((c): c is NamespaceBundle => c instanceof NamespaceBundle);
  }

  /** Every service, in definition order. */
  public get services(): Microservice[] {
    return this.node.children.filter((c): c is Microservice => c instanceof Microservice);
  }

  /** Checks the whole model; throws the first problem as a one-line error. */
  public validate(): void {
    const services = this.services;
    if (services.length === 0)
      throw new StagecraftError(this.node.path, 'a platform needs at least one service, got none');
    const names = services.map((s) => s.name);
    for (const child of [...services, ...this.datastores, ...this.bundles]) {
      if (RESERVED_NAMES.includes(child.name)) {
        throw new StagecraftError(
          child.node.path,
          `name ${JSON.stringify(child.name)} is reserved for the platform's own overlay; choose another`,
        );
      }
    }
    for (const service of services) service.checkOverrides(this.environments.environments);
    localPorts(services, this.datastores);
    this.validateDatastoreNames();
    this.validateSharedConfig(names);
    for (const env of this.environments.environments) {
      for (const service of Object.keys(env.serviceVariables)) {
        if (!names.includes(service)) {
          throw new StagecraftError(
            `environments/${env.name}`,
            `serviceVariables for unknown service ${JSON.stringify(service)}; allowed: ${names.join(', ')}`,
          );
        }
      }
    }
  }

  /** Every datastore the table names per datastore (`datastores.topologies.<name>`...) is one of the platform's. */
  private validateDatastoreNames(): void {
    const names = this.datastores.map((d) => d.name);
    for (const env of this.environments.environments) {
      const settings = env.datastores;
      const keyed = {
        topologies: settings.topologies,
        external: settings.external,
        advertisedAddresses: settings.advertisedAddresses,
        poolers: settings.poolers,
        replicas: settings.replicas,
        clusterSizes: settings.clusterSizes,
      };
      for (const [field, record] of Object.entries(keyed)) {
        for (const name of Object.keys(record)) {
          if (!names.includes(name)) {
            throw new StagecraftError(
              `environments/${env.name}`,
              `datastores.${field}.${name} names no datastore of the platform; allowed: ${names.join(', ') || 'none (the platform has no datastores)'}`,
            );
          }
        }
      }
    }
  }

  private validateSharedConfig(serviceNames: readonly string[]): void {
    const all = this.node.children.filter((c): c is SharedConfig => c instanceof SharedConfig);
    if (all.length > 1) {
      throw new StagecraftError(
        this.node.path,
        `a platform has at most one SharedConfig, got ${all.length}: ${all.map((c) => c.name).join(', ')}`,
      );
    }
    const shared = all[0];
    if (!shared) {
      const env = this.environments.environments.find((e) => Object.keys(e.sharedVariables).length > 0);
      if (env) {
        throw new StagecraftError(
          `environments/${env.name}`,
          'sharedVariables need a SharedConfig in the platform, got none; add one or move them to variables',
        );
      }
      return;
    }
    const stranger = shared.consumers.find((s) => s.node.scope !== this);
    if (stranger) {
      throw new StagecraftError(
        shared.node.path,
        `consumer ${stranger.node.path} is not a service of this platform; allowed: ${serviceNames.join(', ')}`,
      );
    }
    const own = [...this.services, ...this.datastores];
    for (const [variable, endpoint] of Object.entries(shared.connections)) {
      // Datastore.fields() returns a plain endpoint: it is the platform's when its name is.
      const ours =
        endpoint instanceof Construct ? own.some((c) => c === endpoint) : own.some((c) => c.name === endpoint.name);
      if (!ours) {
        const what = endpoint instanceof Construct ? endpoint.node.path : endpoint.name;
        throw new StagecraftError(
          shared.node.path,
          `connection ${variable} is ${what}, not a service or datastore of this platform; allowed: ${own.map((c) => c.name).join(', ')}`,
        );
      }
    }
    shared.check(this.environments.environments);
  }
}

/** The keys of `PlatformProps`, checked at run time. */
export const PLATFORM_SHAPE = shape<PlatformProps>('PlatformProps', {
  environments: { instanceOf: EnvironmentTable, hint: 'an EnvironmentTable' },
  gitops: GITOPS_SHAPE,
  ingressClassName: 'string',
  cluster: shape<Partial<ClusterComponents>>('ClusterComponents', {
    ingressControllerNamespace: 'string',
    operatorNamespaces: 'stringMap',
    kubernetesApi: shape<KubernetesApiEndpoint>('KubernetesApiEndpoint', { cidr: 'string', ports: 'numbers' }),
  }),
});
