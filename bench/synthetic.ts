import { Construct } from 'constructs';
import { ArgoCdObjects, EnvironmentProps, EnvironmentTable, Microservice, Platform, Scaling } from '../lib';

/** Size of a synthetic platform. */
export interface SyntheticSize {
  /** Number of services. */
  readonly services: number;
  /** Number of environments. */
  readonly envs: number;
  /**
   * Clusters of every environment (`env-<i>-c<j>`, each with its own REGION variable); with a
   * cluster count the platform also has Argo CD objects.
   * @default - no clusters and no Argo CD objects (the platform the Helm peer matches)
   */
  readonly clusters?: number;
  /**
   * Applications or ApplicationSets, where the platform has Argo CD objects.
   * @default ArgoCdObjects.APPLICATIONS
   */
  readonly objects?: ArgoCdObjects;
}

/** The synthetic platform's repository, for its Argo CD objects. */
export const SYNTHETIC_REPO = 'https://git.example.com/bench/platform.git';

/** One synthetic service, in the shape of a Craftista service. */
export interface SyntheticService {
  /** Service name. */
  readonly name: string;
  /** Image repository. */
  readonly image: string;
  /** Initial tag. */
  readonly tag: string;
  /** Container port. */
  readonly port: number;
  /** Probe path. */
  readonly healthPath: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** Seconds before the first liveness probe. */
  readonly livenessInitialDelaySeconds: number;
  /** Variables the same in every environment. */
  readonly variables: Record<string, string>;
  /** Connections: variable name -> service name. */
  readonly connections: Record<string, string>;
}

/** Platform name of every synthetic platform. */
export const SYNTHETIC_PLATFORM = 'bench';

/** Craftista's four service shapes, repeated: three backends and a frontend that calls them. */
export function syntheticServices(count: number): SyntheticService[] {
  const services: SyntheticService[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(3, '0')}`;
    const shape = i % 4;
    const connections: Record<string, string> = {};
    if (shape === 3) for (let j = 1; j <= 3; j++) connections[`SVC_${j}_BASE_URI`] = services[i - j].name;
    services.push({
      name,
      image: `bench/${name}`,
      tag: `1.${shape}.${i}`,
      port: [5000, 8080, 8080, 3000][shape],
      healthPath: ['/api/products', '/api/origamis', '/api/recommendation-status', '/'][shape],
      component: shape === 3 ? 'frontend' : 'backend',
      livenessInitialDelaySeconds: shape === 1 ? 60 : 10,
      variables: shape === 0 ? { FLASK_APP: 'app.py' } : {},
      connections,
    });
  }
  return services;
}

/**
 * Generated environment table: fixed replicas first, the last third autoscaled like prod.
 * Every service gets a per-environment variable, as Craftista's serviceVariables do.
 */
export function syntheticEnvironments(size: SyntheticSize): EnvironmentProps[] {
  const names = syntheticServices(size.services).map((s) => s.name);
  const firstAutoscaled = Math.floor((size.envs * 2) / 3);
  return Array.from({ length: size.envs }, (_, i) => ({
    name: `env-${i}`,
    namespace: `bench-env-${i}`,
    scaling: i >= firstAutoscaled ? Scaling.autoscale({ minReplicas: 3, maxReplicas: 10 }) : Scaling.fixed(i + 1),
    resources: { cpu: `${100 * (i + 1)}m`, memory: `${128 * (i + 1)}Mi` },
    variables: { LOG_LEVEL: ['DEBUG', 'INFO', 'WARN'][Math.min(i, 2)] },
    serviceVariables: Object.fromEntries(names.map((n) => [n, { SERVICE_MODE: `mode-${i}` }])),
    ...(size.clusters !== undefined
      ? {
          clusters: Array.from({ length: size.clusters }, (_, j) => ({
            name: `env-${i}-c${j}`,
            variables: { REGION: `region-${j}` },
          })),
        }
      : {}),
  }));
}

/** Builds the synthetic platform with the real `lib/` API. */
export function syntheticPlatform(scope: Construct, size: SyntheticSize): Platform {
  const platform = new Platform(scope, SYNTHETIC_PLATFORM, {
    environments: new EnvironmentTable(syntheticEnvironments(size)),
    ...(size.clusters !== undefined
      ? { gitops: { repoURL: SYNTHETIC_REPO, objects: size.objects ?? ArgoCdObjects.APPLICATIONS } }
      : {}),
  });
  const built = new Map<string, Microservice>();
  for (const s of syntheticServices(size.services)) {
    const service = new Microservice(platform, s.name, {
      image: s.image,
      initialTag: s.tag,
      port: s.port,
      component: s.component,
      healthPath: s.healthPath,
      livenessInitialDelaySeconds: s.livenessInitialDelaySeconds,
      variables: s.variables,
      connections: Object.fromEntries(Object.entries(s.connections).map(([v, n]) => [v, built.get(n)!])),
    });
    built.set(s.name, service);
  }
  return platform;
}
