import * as k8s from '../../imports/k8s';
import { checkDnsLabel, checkPort, checkVariables } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { shape } from '../core/props-shape';
import { RESOURCES_SHAPE, ResolvedResources, ResourceRequirements, resolveResources } from '../model/resources';
import { restrictedContainerSecurityContext } from './security-context';
import { VOLUME_MOUNT_SHAPE, VolumeMountProps, resolveVolumes } from './volume';

/**
 * An extra container of a service's pod: an init container that runs to completion before the
 * service starts, or a sidecar beside it. Its image is a fixed third-party reference with a tag
 * or digest (an Envoy, a migration tool): the same in every environment, never promoted.
 */
export interface ContainerProps {
  /** Container name, unique in the pod. */
  readonly name: string;
  /** Image reference with a tag or digest, e.g. `busybox:1.36`. */
  readonly image: string;
  /**
   * Container command (entrypoint).
   * @default - the image's entrypoint
   */
  readonly command?: readonly string[];
  /**
   * Container arguments.
   * @default - the image's command
   */
  readonly args?: readonly string[];
  /**
   * Environment variables.
   * @default {}
   */
  readonly variables?: Readonly<Record<string, string>>;
  /**
   * Port the container listens on (a sidecar proxy), named after the container.
   * @default - none
   */
  readonly port?: number;
  /**
   * Requests and limits (the same in every environment).
   * @default - 50m CPU and 64Mi memory, limits equal
   */
  readonly resources?: ResourceRequirements;
  /**
   * Volumes mounted into this container; pod volumes of the same name are shared with the service.
   * @default []
   */
  readonly volumes?: readonly VolumeMountProps[];
  /**
   * Writable scratch directories (the root filesystem is read-only).
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
}

const DEFAULT_RESOURCES: ResourceRequirements = { cpu: '50m', memory: '64Mi' };
const IMAGE_REFERENCE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/** A resolved extra container and the pod volumes it adds. */
export interface ResolvedContainer {
  /** The Kubernetes container. */
  readonly container: Record<string, unknown>;
  /** Its requests and limits, as written. */
  readonly resources: ResolvedResources;
  /** Pod volumes it brings (its scratch directories and mounts). */
  readonly volumes: readonly Record<string, unknown>[];
}

/** Resolves one extra container under construct `path` (`what` is `sidecars[0]`), locked down like the service. */
export function resolveContainer(path: string, what: string, props: ContainerProps): ResolvedContainer {
  checkDnsLabel(path, `${what}.name`, props.name);
  if (!IMAGE_REFERENCE.test(props.image) || /:latest$/.test(props.image)) {
    throw new StagecraftError(
      path,
      `${what}.image must be a reference with a fixed tag or digest (e.g. busybox:1.36), got ${JSON.stringify(props.image)}`,
    );
  }
  checkVariables(`${path}`, { ...props.variables });
  if (props.port !== undefined) checkPort(path, `${what}.port`, props.port);
  const resources = resolveResources(path, props.resources ?? DEFAULT_RESOURCES);
  const mounts = resolveVolumes(path, props.volumes ?? []);
  const scratch = (props.writablePaths ?? ['/tmp']).map((mountPath, i) => ({
    name: `${props.name}-writable-${i}`,
    mountPath,
  }));
  const variables = Object.entries(props.variables ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    resources,
    container: {
      name: props.name,
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      ...(props.command ? { command: [...props.command] } : {}),
      ...(props.args ? { args: [...props.args] } : {}),
      ...(variables.length > 0 ? { env: variables.map(([name, value]) => ({ name, value })) } : {}),
      ...(props.port !== undefined
        ? { ports: [{ name: props.name.slice(0, 15), containerPort: props.port, protocol: 'TCP' }] }
        : {}),
      // cdk8s serializes typed quantities only; a plain string would be dropped.
      resources: {
        requests: {
          cpu: k8s.Quantity.fromString(resources.requests.cpu),
          memory: k8s.Quantity.fromString(resources.requests.memory),
        },
        limits: {
          cpu: k8s.Quantity.fromString(resources.limits.cpu),
          memory: k8s.Quantity.fromString(resources.limits.memory),
        },
      },
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [...scratch, ...mounts.map((m) => m.mount)],
    },
    volumes: [...scratch.map((s) => ({ name: s.name, emptyDir: {} })), ...mounts.map((m) => m.volume)],
  };
}

/** The keys of `ContainerProps`, checked at run time. */
export const CONTAINER_SHAPE = shape<ContainerProps>('ContainerProps', {
  name: 'string',
  image: 'string',
  command: 'strings',
  args: 'strings',
  variables: 'stringMap',
  port: 'number',
  resources: RESOURCES_SHAPE,
  volumes: { listOf: VOLUME_MOUNT_SHAPE },
  writablePaths: 'strings',
});
