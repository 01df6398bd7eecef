import { StagecraftError } from '../core/errors';
import { shape } from '../core/props-shape';

/** How an environment's pods are scheduled and pulled. */
export interface SchedulingProps {
  /**
   * PriorityClass every service's pods get. The cluster must have it (ENVIRONMENTS.md names
   * it); synth does not create cluster-scoped PriorityClasses.
   * @default - none (the cluster's default priority)
   */
  readonly priorityClassName?: string;
  /**
   * Whether pods that run more than one replica also spread across zones
   * (`topology.kubernetes.io/zone`), beside the spread across nodes every such workload gets.
   * @default false
   */
  readonly zoneSpread?: boolean;
  /**
   * Image pull policy of every service container. Tags are immutable pins, so `Always` costs
   * a registry round-trip per start and guarantees the pod runs what the registry holds now;
   * local clusters that load images without a registry need `IfNotPresent`.
   * @default - 'IfNotPresent' in a local environment, else 'Always'
   */
  readonly imagePullPolicy?: ImagePullPolicy;
}

/** A container image pull policy. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** `SchedulingProps` with every default filled. */
export interface SchedulingSettings {
  /** See `SchedulingProps.priorityClassName`. */
  readonly priorityClassName: string | undefined;
  /** See `SchedulingProps.zoneSpread`. */
  readonly zoneSpread: boolean;
  /** See `SchedulingProps.imagePullPolicy`. */
  readonly imagePullPolicy: ImagePullPolicy;
}

const POLICIES: readonly ImagePullPolicy[] = ['Always', 'IfNotPresent', 'Never'];
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Fills the defaults of `props` once, failing on a bad PriorityClass name or pull policy. */
export function resolveScheduling(path: string, props: SchedulingProps = {}, local = false): SchedulingSettings {
  const policy = props.imagePullPolicy ?? (local ? 'IfNotPresent' : 'Always');
  if (!POLICIES.includes(policy)) {
    throw new StagecraftError(
      path,
      `scheduling.imagePullPolicy must be one of ${POLICIES.join(', ')}, got ${JSON.stringify(policy)}`,
    );
  }
  const priority = props.priorityClassName;
  if (priority !== undefined && (!DNS_SUBDOMAIN.test(priority) || priority.startsWith('system-'))) {
    throw new StagecraftError(
      path,
      `scheduling.priorityClassName must be a DNS subdomain not starting with system-, got ${JSON.stringify(priority)}`,
    );
  }
  return { priorityClassName: priority, zoneSpread: props.zoneSpread ?? false, imagePullPolicy: policy };
}

/** The keys of `SchedulingProps`, checked at run time: a misspelt key is an error, never ignored. */
export const SCHEDULING_SHAPE = shape<SchedulingProps>('SchedulingProps', {
  priorityClassName: 'string',
  zoneSpread: 'boolean',
  imagePullPolicy: { oneOf: POLICIES },
});
