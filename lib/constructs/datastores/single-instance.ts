import { Chart } from 'cdk8s';
import * as k8s from '../../../imports/k8s';
import { Environment } from '../../model/environment';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context';
import { DatastoreContext } from './datastore-context';
import { EXPORTER_PORT_NAME, EXPORTER_RESOURCES } from './exporter';

/** One variable of a server container: a key of the datastore's credentials Secret, or a literal. */
export type ServerVariable =
  { readonly name: string; readonly secretKey: string } | { readonly name: string; readonly value: string };

/**
 * The Prometheus exporter sidecar an engine runs beside its single instance where the
 * environment's metrics are full, as plain data: it reaches the server on `localhost` with the
 * credentials of the datastore's own Secret.
 */
export interface SingleInstanceExporter {
  /** Container name, e.g. `postgres-exporter`. */
  readonly containerName: string;
  /** Image with its pinned tag. */
  readonly image: string;
  /** Port it serves `/metrics` on (container port `metrics`). */
  readonly port: number;
  /**
   * Its arguments (the image's entrypoint is the exporter).
   * @default - none
   */
  readonly args?: readonly string[];
  /**
   * Variables, in order: a key of the datastore's credentials Secret, or a literal (never a
   * credential).
   */
  readonly environment: readonly ServerVariable[];
}

/**
 * An engine's single-instance server, as plain data: the base (`dist/<name>/`) renders it as a
 * locked-down StatefulSet, the local tier as a Docker Compose service, the dump job reuses its
 * image and user.
 */
export interface SingleInstanceSpec {
  /** Container name (the engine's name). */
  readonly containerName: string;
  /** Image repository; the tag is the datastore's version. */
  readonly image: string;
  /** Name of the client port. */
  readonly portName: string;
  /** User and group the image runs as. */
  readonly uid: number;
  /** Where the data volume is mounted. */
  readonly dataPath: string;
  /** Directories the server writes besides its data (emptyDir volumes: the root filesystem is read-only). */
  readonly scratchPaths: readonly string[];
  /** Container variables, in order. */
  readonly environment: readonly ServerVariable[];
  /**
   * Literal variables needed only where the data directory is a PersistentVolume, whose root
   * holds `lost+found` (PostgreSQL: `PGDATA` one level down).
   * @default - none
   */
  readonly volumeEnvironment?: readonly { readonly name: string; readonly value: string }[];
  /**
   * The server's command line where the image's default is not enough. Kubernetes passes only
   * the arguments (the image's entrypoint adds the executable); Docker Compose passes both.
   * @default - the image's default command
   */
  readonly command?: { readonly executable: string; readonly args: readonly string[] };
  /** Readiness command (Docker Compose's health check too). */
  readonly readiness: readonly string[];
  /**
   * The Prometheus exporter sidecar the overlay adds where the environment's metrics are full.
   * @default - none: the single instance is never scraped
   */
  readonly exporter?: SingleInstanceExporter;
}

/** What an engine adds to the single instance's overlay in one environment. */
export interface SingleInstanceOverlay {
  /** Fields merged into the StatefulSet patch's container (e.g. `env`, `ports`), before `resources`. */
  readonly container: Readonly<Record<string, unknown>>;
  /** Further patch files, by file name (e.g. `service-patch.yaml`). */
  readonly patches: Readonly<Record<string, unknown>>;
}

/** The image of `spec` at the datastore's version. */
export function singleInstanceImage(d: DatastoreContext, spec: SingleInstanceSpec): string {
  return `${spec.image}:${d.version}`;
}

/**
 * Adds the single topology's base to `chart`: a ServiceAccount without token, a Service and a
 * headless Service, a StatefulSet of one pod with a data volume claim, and a PodDisruptionBudget.
 */
export function addSingleInstance(chart: Chart, d: DatastoreContext, spec: SingleInstanceSpec): void {
  const metadata = { name: d.name, labels: d.labels };
  const scratch = spec.scratchPaths.map((mountPath, i) => ({ name: `scratch-${i}`, mountPath }));
  const port = { name: spec.portName, containerPort: d.port, protocol: 'TCP' };
  const env = [...containerEnv(d, spec.environment), ...(spec.volumeEnvironment ?? [])];
  new k8s.KubeServiceAccount(chart, 'service-account', { metadata, automountServiceAccountToken: false });
  const servicePort = {
    name: spec.portName,
    port: d.port,
    targetPort: k8s.IntOrString.fromString(spec.portName),
    protocol: 'TCP',
  };
  new k8s.KubeService(chart, 'service', {
    metadata,
    spec: { type: 'ClusterIP', selector: d.selectorLabels, ports: [servicePort] },
  });
  new k8s.KubeService(chart, 'headless', {
    metadata: { name: `${d.name}-headless`, labels: d.labels },
    spec: { clusterIp: 'None', selector: d.selectorLabels, ports: [servicePort], publishNotReadyAddresses: true },
  });
  new k8s.KubeStatefulSet(chart, 'statefulset', {
    // Polaris expects a controller's instance label to be its name.
    metadata: { name: d.name, labels: { ...d.labels, 'app.kubernetes.io/instance': d.name } },
    spec: {
      serviceName: `${d.name}-headless`,
      replicas: 1,
      selector: { matchLabels: d.selectorLabels },
      template: {
        metadata: { labels: d.labels },
        spec: {
          serviceAccountName: d.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(spec.uid),
          containers: [
            {
              name: spec.containerName,
              image: singleInstanceImage(d, spec),
              imagePullPolicy: 'IfNotPresent',
              args: spec.command ? [...spec.command.args] : undefined,
              ports: [port],
              env,
              livenessProbe: {
                tcpSocket: { port: k8s.IntOrString.fromString(spec.portName) },
                initialDelaySeconds: 30,
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 6,
              },
              readinessProbe: {
                exec: { command: [...spec.readiness] },
                initialDelaySeconds: 5,
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: 'data', mountPath: spec.dataPath },
                ...scratch.map((s) => ({ name: s.name, mountPath: s.mountPath })),
              ],
            },
          ],
          volumes: scratch.map((s) => ({ name: s.name, emptyDir: {} })),
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } },
          },
        },
      ],
    },
  });
  new k8s.KubePodDisruptionBudget(chart, 'budget', {
    metadata,
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: d.selectorLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

/** Container variables of `variables`: Secret keys become references to the datastore's credentials Secret. */
function containerEnv(d: DatastoreContext, variables: readonly ServerVariable[]): k8s.EnvVar[] {
  return variables.map((v) =>
    'secretKey' in v
      ? { name: v.name, valueFrom: { secretKeyRef: { name: d.credentialsSecret, key: v.secretKey } } }
      : { name: v.name, value: v.value },
  );
}

/**
 * The exporter sidecar's container: its pinned image on the named port `metrics`, fixed requests
 * and limits, the restricted context (the pod's user and seccomp profile apply) and TCP probes.
 * The probes only ask whether the exporter listens: an exporter answers whether or not the
 * server does, and a readiness that followed the server would take the datastore's pod out of
 * its Service for a metrics problem.
 */
function exporterContainer(d: DatastoreContext, exporter: SingleInstanceExporter): Record<string, unknown> {
  const tcpSocket = { port: EXPORTER_PORT_NAME };
  const timing = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
  return {
    name: exporter.containerName,
    image: exporter.image,
    imagePullPolicy: 'IfNotPresent',
    ...(exporter.args ? { args: [...exporter.args] } : {}),
    ports: [{ name: EXPORTER_PORT_NAME, containerPort: exporter.port, protocol: 'TCP' }],
    env: containerEnv(d, exporter.environment),
    resources: EXPORTER_RESOURCES,
    livenessProbe: { tcpSocket, initialDelaySeconds: 10, ...timing },
    readinessProbe: { tcpSocket, ...timing },
    securityContext: restrictedContainerSecurityContext(),
  };
}

/**
 * The overlay's StatefulSet patch: the environment's resources and volume size, the engine's
 * `extra`, and the exporter sidecar where `exporter` is given (the environment scrapes datastores).
 */
export function singleInstancePatch(
  d: DatastoreContext,
  spec: SingleInstanceSpec,
  env: Environment,
  extra: SingleInstanceOverlay,
  exporter: SingleInstanceExporter | undefined,
): unknown {
  const settings = env.datastores;
  const server = { name: spec.containerName, ...extra.container, resources: settings.resources };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: d.name },
    spec: {
      template: {
        spec: { containers: exporter ? [server, exporterContainer(d, exporter)] : [server] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: settings.storage } } },
        },
      ],
    },
  };
}
