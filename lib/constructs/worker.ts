import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Microservice, MicroserviceProps } from './microservice';
import { checkMinimum } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { Sli } from '../model/sli';

/** Props of a `Worker`. */
export interface WorkerProps extends Omit<MicroserviceProps, 'port' | 'healthPath' | 'component'> {
  /**
   * Command the liveness and readiness probes run inside the container; exit code 0 means
   * healthy (e.g. `['celery', '-A', 'app', 'inspect', 'ping', '-d', 'celery@$(HOSTNAME)']`).
   * A worker serves no HTTP, so an exec probe is how Kubernetes sees that it is stuck.
   */
  readonly probeCommand: string[];
  /**
   * Seconds the probe command may take (broker round trips are slower than an HTTP check).
   * @default 10
   */
  readonly probeTimeoutSeconds?: number;
  /**
   * `app.kubernetes.io/component` label.
   * @default 'worker'
   */
  readonly component?: string;
}

/**
 * Container port a `Microservice` needs at construction; a worker removes the Service, the
 * container port and the HTTP probes, so no object ever carries it.
 */
const NO_PORT = 65535;

/**
 * A background worker (a Celery worker, a queue consumer, an orchestrator loop): a Deployment
 * with no Service and no port, the same locked-down pod as a `Microservice`, exec liveness and
 * readiness probes, and the same scaling from the environment table or per-environment
 * overrides. It cannot be a connection: nothing connects to a worker.
 */
export class Worker extends Microservice {
  /** The probe command. */
  public readonly probeCommand: readonly string[];

  constructor(scope: Construct, id: string, props: WorkerProps) {
    const path = `${scope.node.path}/${id}`;
    if (props.metrics && props.metrics.port === undefined) {
      throw new StagecraftError(path, 'metrics.port must be set: a worker has no port of its own to serve metrics on');
    }
    for (const o of props.objectives ?? []) {
      if (!o.sli && !props.sli) {
        throw new StagecraftError(
          path,
          `objective ${o.name} needs an sli (on the objective or the worker: Sli.ratio or Sli.promql): a worker serves no requests to count`,
        );
      }
    }
    super(scope, id, { ...props, port: NO_PORT, component: props.component ?? 'worker' });
    if (props.probeCommand.length === 0) {
      throw new StagecraftError(this.node.path, 'probeCommand must name a command, got []');
    }
    const timeoutSeconds = props.probeTimeoutSeconds ?? 10;
    checkMinimum(this.node.path, 'probeTimeoutSeconds', timeoutSeconds, 1);
    const livenessDelay = props.livenessInitialDelaySeconds ?? 10;
    this.probeCommand = props.probeCommand;
    this.base.node.tryRemoveChild('service');
    const probe = (initialDelaySeconds: number) => ({
      exec: { command: [...props.probeCommand] },
      initialDelaySeconds,
      periodSeconds: 30,
      timeoutSeconds,
      failureThreshold: 3,
    });
    const container = '/spec/template/spec/containers/0';
    const metricsPorts = this.ownMetricsPort();
    (this.base.node.findChild('deployment') as ApiObject).addJsonPatch(
      metricsPorts.length > 0
        ? JsonPatch.replace(`${container}/ports`, metricsPorts)
        : JsonPatch.remove(`${container}/ports`),
      JsonPatch.replace(`${container}/livenessProbe`, probe(livenessDelay)),
      JsonPatch.replace(`${container}/readinessProbe`, probe(0)),
    );
  }

  /** A worker has no Service: Prometheus scrapes its pods. */
  public get scrapedBy(): 'ServiceMonitor' | 'PodMonitor' {
    return 'PodMonitor';
  }

  /** A worker counts no requests: its objectives bring their own SLI. */
  protected defaultSli(): Sli | undefined {
    return this.sli;
  }

  /** A worker has no endpoint: using it as a connection fails. */
  public get url(): string {
    throw new StagecraftError(this.node.path, 'a worker has no endpoint: it cannot be a connection');
  }
}
