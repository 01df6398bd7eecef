import { checkQuantity } from '../core/checks';
import { shape } from '../core/props-shape';

/** CPU and memory for one container. Limits default to the requests (Guaranteed QoS). */
export interface ResourceRequirements {
  /** CPU request, a Kubernetes quantity such as `100m`. */
  readonly cpu: string;
  /** Memory request, a Kubernetes quantity such as `128Mi`. */
  readonly memory: string;
  /**
   * CPU limit.
   * @default - equal to `cpu`, so the pod gets Guaranteed QoS
   */
  readonly cpuLimit?: string;
  /**
   * Memory limit.
   * @default - equal to `memory`, so the pod gets Guaranteed QoS
   */
  readonly memoryLimit?: string;
}

/** Resource requirements with every default filled in. */
export interface ResolvedResources {
  /** `requests` as Kubernetes writes them. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  /** `limits` as Kubernetes writes them. */
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A partial `ResourceRequirements`, for per-service overrides of the environment table. */
export type ResourceOverride = Partial<ResourceRequirements>;

/**
 * Fills defaults (limit = request) and checks every quantity, throwing under `path`.
 * `override` wins field by field; a request overridden alone also moves its default limit.
 */
export function resolveResources(
  path: string,
  base: ResourceRequirements,
  override: ResourceOverride = {},
): ResolvedResources {
  const cpu = override.cpu ?? base.cpu;
  const memory = override.memory ?? base.memory;
  const cpuLimit = override.cpuLimit ?? (override.cpu !== undefined ? undefined : base.cpuLimit) ?? cpu;
  const memoryLimit = override.memoryLimit ?? (override.memory !== undefined ? undefined : base.memoryLimit) ?? memory;
  checkQuantity(path, 'cpu request', cpu);
  checkQuantity(path, 'memory request', memory);
  checkQuantity(path, 'cpu limit', cpuLimit);
  checkQuantity(path, 'memory limit', memoryLimit);
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/**
 * `over` on top of `base`, field by field, with the same rule as `resolveResources`: a request
 * given alone also moves its default limit. The table, then a service's own base, then its
 * per-environment override are layered with it.
 */
export function layerResources(base: ResourceRequirements, over: ResourceOverride = {}): ResourceRequirements {
  return {
    cpu: over.cpu ?? base.cpu,
    memory: over.memory ?? base.memory,
    cpuLimit: over.cpuLimit ?? (over.cpu !== undefined ? undefined : base.cpuLimit),
    memoryLimit: over.memoryLimit ?? (over.memory !== undefined ? undefined : base.memoryLimit),
  };
}

/** The keys of `ResourceRequirements` (and of a `ResourceOverride`), checked at run time. */
export const RESOURCES_SHAPE = shape<ResourceRequirements>('ResourceRequirements', {
  cpu: 'string',
  memory: 'string',
  cpuLimit: 'string',
  memoryLimit: 'string',
});
