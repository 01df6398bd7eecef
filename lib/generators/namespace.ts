import { Datastore } from '../constructs/datastores/datastore';
import { Environment } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { podSecurityLabels } from '../model/pod-security';
import { bytes, exactCpu, exactMemory, formatCpu, formatMemory, milliCpu } from '../core/quantity';

/** Headroom of the ResourceQuota over the largest footprint the model can produce. */
const QUOTA_HEADROOM = 1.25;

/** The environment's Namespace with its Pod Security admission labels. */
export function namespaceObject(env: Environment, labels: Record<string, string>): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: env.namespace, labels: { ...labels, ...podSecurityLabels(env.podSecurity) } },
  };
}

interface Footprint {
  pods: number;
  requestsCpu: number;
  requestsMemory: number;
  limitsCpu: number;
  limitsMemory: number;
  claims: number;
  storage: number;
  maxCpu: number;
  maxMemory: number;
  maxStorage: number;
}

/** The most the model can run at once in `env`: services at max scale plus one surge pod, datastores, backup jobs. */
export function footprint(
  env: Environment,
  services: readonly Microservice[],
  datastores: readonly Datastore[],
): Footprint {
  const f: Footprint = {
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
  const add = (
    count: number,
    r: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } },
    containers = 1,
  ) => {
    f.pods += count;
    f.requestsCpu += count * containers * milliCpu(r.requests.cpu);
    f.requestsMemory += count * containers * bytes(r.requests.memory);
    f.limitsCpu += count * containers * milliCpu(r.limits.cpu);
    f.limitsMemory += count * containers * bytes(r.limits.memory);
    f.maxCpu = Math.max(f.maxCpu, milliCpu(r.limits.cpu));
    f.maxMemory = Math.max(f.maxMemory, bytes(r.limits.memory));
  };
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
