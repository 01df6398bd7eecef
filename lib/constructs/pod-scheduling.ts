import { SchedulingSettings } from '../model/scheduling';

/** Node label every node carries: spreading on it keeps replicas off a single node. */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';
/** Well-known zone label: spreading on it keeps replicas out of a single zone. */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

/** What a workload's pod spec gets from the environment's scheduling settings. */
export interface PodScheduling {
  /** The PriorityClass, when the environment names one. */
  readonly priorityClassName?: string;
  /** Spread constraints, when the workload can run more than one replica. */
  readonly topologySpreadConstraints?: ReadonlyArray<Record<string, unknown>>;
}

/**
 * The scheduling fields of a pod spec whose pods carry `selector` and may run `maxReplicas`:
 * more than one replica spreads across nodes (and zones where the environment asks). Nodes are
 * a hard rule (`DoNotSchedule`, maxSkew 1: a single-node cluster has one domain and still
 * schedules everything); zones are soft (`ScheduleAnyway`), so a cluster with fewer zones
 * than replicas keeps scheduling. `pod-template-hash` scopes the count to one ReplicaSet, so
 * a rolling update is not blocked by the old pods.
 */
export function podScheduling(
  settings: SchedulingSettings,
  selector: Readonly<Record<string, string>>,
  maxReplicas: number,
): PodScheduling {
  const spread = (topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway') => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: { ...selector } },
    matchLabelKeys: ['pod-template-hash'],
  });
  const constraints =
    maxReplicas > 1
      ? [
          spread(HOSTNAME_TOPOLOGY_KEY, 'DoNotSchedule'),
          ...(settings.zoneSpread ? [spread(ZONE_TOPOLOGY_KEY, 'ScheduleAnyway')] : []),
        ]
      : undefined;
  return {
    ...(settings.priorityClassName !== undefined ? { priorityClassName: settings.priorityClassName } : {}),
    ...(constraints ? { topologySpreadConstraints: constraints } : {}),
  };
}
