import { Datastore } from '../constructs/datastores/datastore';
import { Environment } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { JobTemplate } from '../constructs/job-template';
import { PodSecurityProps, podSecurityLabels } from '../model/pod-security';
import { bytes, exactCpu, exactMemory, formatCpu, formatMemory, milliCpu } from '../core/quantity';

/** Headroom of the ResourceQuota over the largest footprint the model can produce. */
const QUOTA_HEADROOM = 1.25;

/** Namespace `name` with the Pod Security admission labels of `podSecurity` (an environment's). */
export function namespaceObject(name: string, podSecurity: PodSecurityProps, labels: Record<string, string>): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...labels, ...podSecurityLabels(podSecurity) } },
  };
}

/** The most a namespace's pods can request and claim at once, and its largest container and claim. */
export interface Footprint {
  /** Pods. */
  pods: number;
  /** Summed CPU requests, in millicores. */
  requestsCpu: number;
  /** Summed memory requests, in bytes. */
  requestsMemory: number;
  /** Summed CPU limits, in millicores. */
  limitsCpu: number;
  /** Summed memory limits, in bytes. */
  limitsMemory: number;
  /** PersistentVolumeClaims. */
  claims: number;
  /** Summed claimed storage, in bytes. */
  storage: number;
  /** Largest container CPU limit, in millicores. */
  maxCpu: number;
  /** Largest container memory limit, in bytes. */
  maxMemory: number;
  /** Largest claim, in bytes. */
  maxStorage: number;
}

type PodResources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

function emptyFootprint(): Footprint {
  return {
    pods: 0,
    requestsCpu: 0,
    requestsMemory: 0,
    limitsCpu: 0,
    limitsMemory: 0,
    claims: 0,
    storage: 0,
    maxCpu: 0,
    maxMemory: 0,
    maxStorage: 0,
  };
}

/** Adds `count` pods of `containers` containers sized `r` to `f`. */
function addPods(f: Footprint, count: number, r: PodResources, containers = 1): void {
  f.pods += count;
  f.requestsCpu += count * containers * milliCpu(r.requests.cpu);
  f.requestsMemory += count * containers * bytes(r.requests.memory);
  f.limitsCpu += count * containers * milliCpu(r.limits.cpu);
  f.limitsMemory += count * containers * bytes(r.limits.memory);
  f.maxCpu = Math.max(f.maxCpu, milliCpu(r.limits.cpu));
  f.maxMemory = Math.max(f.maxMemory, bytes(r.limits.memory));
}

/** The most a namespace bundle's Jobs run at once: each template's `maxConcurrentJobs` pods. */
export function jobFootprint(templates: readonly JobTemplate[]): Footprint {
  const f = emptyFootprint();
  for (const template of templates) addPods(f, template.maxConcurrentJobs, template.resources);
  return f;
}

/** The most the model can run at once in `env`: services at max scale plus one surge pod, datastores, backup jobs. */
export function footprint(
  env: Environment,
  services: readonly Microservice[],
  datastores: readonly Datastore[],
): Footprint {
  const f = emptyFootprint();
  const add = (count: number, r: PodResources, containers = 1) => addPods(f, count, r, containers);
  const claim = (count: number, size: string) => {
    f.claims += count;
    f.storage += count * bytes(size);
    f.maxStorage = Math.max(f.maxStorage, bytes(size));
  };
  for (const service of services) {
    const settings = service.settingsFor(env);
    add(settings.scaling.maxReplicas + 1, settings.resources);
  }
  for (const datastore of datastores) {
    const { footprint } = datastore.planIn(env);
    for (const group of footprint.pods) {
      add(group.count, env.datastores.resources, group.containers);
      for (const sidecar of group.sidecars ?? []) {
        f.requestsCpu += group.count * milliCpu(sidecar.requests.cpu);
        f.requestsMemory += group.count * bytes(sidecar.requests.memory);
        f.limitsCpu += group.count * milliCpu(sidecar.limits.cpu);
        f.limitsMemory += group.count * bytes(sidecar.limits.memory);
      }
    }
    for (const group of footprint.claims) claim(group.count, group.size);
  }
  return f;
}

/** A ResourceQuota sized from the table: the model's footprint plus 25% headroom. */
export function resourceQuotaObject(f: Footprint, labels: Record<string, string>): object {
  const h = (n: number) => n * QUOTA_HEADROOM;
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'platform-quota', labels },
    spec: {
      hard: {
        'limits.cpu': formatCpu(h(f.limitsCpu)),
        'limits.memory': formatMemory(h(f.limitsMemory)),
        persistentvolumeclaims: `${Math.ceil(h(f.claims))}`,
        pods: `${Math.ceil(h(f.pods))}`,
        'requests.cpu': formatCpu(h(f.requestsCpu)),
        'requests.memory': formatMemory(h(f.requestsMemory)),
        'requests.storage': formatMemory(h(f.storage)),
      },
    },
  };
}

/** A LimitRange: the table's container size as default, the largest container of the model as max. */
export function limitRangeObject(env: Environment, f: Footprint, labels: Record<string, string>): object {
  const r = env.resources;
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'platform-limits', labels },
    spec: {
      limits: [
        {
          type: 'Container',
          default: { cpu: r.cpuLimit ?? r.cpu, memory: r.memoryLimit ?? r.memory },
          defaultRequest: { cpu: r.cpu, memory: r.memory },
          max: { cpu: exactCpu(f.maxCpu), memory: exactMemory(f.maxMemory) },
        },
        ...(f.maxStorage > 0 ? [{ type: 'PersistentVolumeClaim', max: { storage: exactMemory(f.maxStorage) } }] : []),
      ],
    },
  };
}
