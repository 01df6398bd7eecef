import { Construct } from 'constructs';
import { Microservice, MicroserviceProps, SERVICE_FIELDS } from './microservice';
import { checkMinimum } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';
import { Probe } from './probe';
import { Sli } from '../model/sli';

/** Props of a `Worker`: a `Microservice`'s, without what only a served port means. */
export interface WorkerProps extends Omit<
  MicroserviceProps,
  | 'port'
  | 'healthPath'
  | 'component'
  | 'protocol'
  | 'exposure'
  | 'servicePort'
  | 'serviceType'
  | 'nodePort'
  | 'localPort'
> {
  /**
   * Command the liveness and readiness probes run inside the container; exit code 0 means
   * healthy (e.g. `['celery', '-A', 'app', 'inspect', 'ping', '-d', 'celery@$(HOSTNAME)']`).
   * A worker serves no HTTP, so an exec probe is how Kubernetes sees that it is stuck.
   * Required unless both `readinessProbe` and `livenessProbe` are given.
   * @default - none: readinessProbe and livenessProbe must say how
   */
  readonly probeCommand?: string[];
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
 * A background worker (a Celery worker, a queue consumer, an orchestrator loop): a Deployment
 * with no Service and no port, the same locked-down pod as a `Microservice`, exec liveness and
 * readiness probes, and the same scaling from the environment table or per-environment
 * overrides. It cannot be a connection: nothing connects to a worker.
 */
export class Worker extends Microservice {
  /** The probe command, if the default probes run one. */
  public readonly probeCommand: readonly string[] | undefined;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    checkProps(path, props, WORKER_SHAPE);
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
    const timeoutSeconds = props.probeTimeoutSeconds ?? 10;
    checkMinimum(path, 'probeTimeoutSeconds', timeoutSeconds, 1);
    const both = props.readinessProbe !== undefined && props.livenessProbe !== undefined;
    if (props.probeCommand === undefined && !both) {
      throw new StagecraftError(
        path,
        'a worker needs probeCommand, or both readinessProbe and livenessProbe; got neither',
      );
    }
    if (props.probeCommand !== undefined && both) {
      throw new StagecraftError(
        path,
        'probeCommand has no effect: readinessProbe and livenessProbe are both set; allowed: one of them',
      );
    }
    if (props.probeCommand !== undefined && props.probeCommand.length === 0) {
      throw new StagecraftError(path, 'probeCommand must name a command, got []');
    }
    const { probeCommand, probeTimeoutSeconds: _timeout, ...rest } = props;
    super(
      scope,
      id,
      { ...rest, port: 0, component: props.component ?? 'worker' },
      {
        portless: true,
        probeDefaults: { periodSeconds: 30, timeoutSeconds },
        defaultProbe: probeCommand && Probe.exec({ command: probeCommand }),
      },
    );
    this.probeCommand = probeCommand;
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

/** The keys of `WorkerProps`, checked at run time. */
export const WORKER_SHAPE = shape<WorkerProps>('WorkerProps', {
  ...SERVICE_FIELDS,
  probeCommand: 'strings',
  probeTimeoutSeconds: 'number',
});
