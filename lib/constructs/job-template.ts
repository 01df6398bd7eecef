import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { IEndpoint } from './endpoint';
import { Environment } from '../model/environment';
import { ResolvedResources, ResourceRequirements, resolveResources } from '../model/resources';
import { checkDnsLabel, checkMinimum, checkVariables } from '../core/checks';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security-context';
import { checkProps, shape } from '../core/props-shape';
import { RESOURCES_SHAPE } from '../model/resources';

/** Props of a `JobTemplate`. */
export interface JobTemplateProps {
  /** Namespace the Jobs run in (e.g. `training`); a template is never moved by an overlay. */
  readonly namespace: string;
  /** Image repository without tag: the overlay's `images[]` pins it like a service's image. */
  readonly image: string;
  /** Requests and limits of every Job made from the template (e.g. 2 CPU / 4Gi, limits 4 / 8Gi). */
  readonly resources: ResourceRequirements;
  /**
   * Container command.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Environment variables of every Job; the creator adds per-run ones.
   * @default {}
   */
  readonly variables?: Record<string, string>;
  /**
   * Retries before a Job counts as failed.
   * @default 0
   */
  readonly backoffLimit?: number;
  /**
   * Seconds a finished Job is kept before Kubernetes deletes it.
   * @default 86400
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * Numeric user and group the container runs as (non-root).
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Services and datastores of the environment's namespace the Jobs reach (their URLs are
   * fully qualified in `variables`, as the Jobs run in another namespace). Each opens the
   * network path: egress from the bundle's namespace, ingress into the environment's.
   * @default [] (DNS only)
   */
  readonly dependsOn?: IEndpoint[];
  /**
   * Jobs of this template that may run at once; the bundle namespace's ResourceQuota is sized
   * for them (plus the same 25% headroom as the environment's).
   * @default 1
   */
  readonly maxConcurrentJobs?: number;
}

/**
 * Cron schedule of the suspended CronJob: 31 February never comes, and `suspend: true` keeps
 * it from running even if it did.
 */
export const NEVER = '0 0 31 2 *';

/**
 * A template for on-demand Jobs, shipped through GitOps as a suspended CronJob: Argo CD keeps
 * it in sync, Kustomize's `images` pins its tag like any Deployment, and a run is
 * `kubectl create job --from=cronjob/<name>` or, from a service, a Job built from
 * `spec.jobTemplate` (see `JobGrant`). Pods run `restartPolicy: Never` under the same
 * restricted security defaults as a `Microservice`.
 */
export class JobTemplate extends Construct {
  /** CronJob name; Jobs created from it are named by their creator. */
  public readonly name: string;
  /** Namespace of the template and its Jobs. */
  public readonly namespace: string;
  /** Image repository, without tag. */
  public readonly image: string;
  /** Resolved requests and limits. */
  public readonly resources: ResolvedResources;
  /** What the Jobs reach in the environment's namespace (network edges only). */
  public readonly dependsOn: readonly IEndpoint[];
  /** Jobs that may run at once. */
  public readonly maxConcurrentJobs: number;
  /** Labels of the Jobs' pods, for network policies. */
  public readonly podSelector: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: JobTemplateProps) {
    super(scope, id);
    const path = this.node.path;
    checkProps(path, props, JOB_TEMPLATE_SHAPE);
    checkDnsLabel(path, 'job template name', id);
    checkDnsLabel(path, 'namespace', props.namespace);
    checkVariables(path, props.variables ?? {});
    const backoffLimit = props.backoffLimit ?? 0;
    const ttlSecondsAfterFinished = props.ttlSecondsAfterFinished ?? 86400;
    const runAsUser = props.runAsUser ?? 10001;
    const maxConcurrentJobs = props.maxConcurrentJobs ?? 1;
    checkMinimum(path, 'backoffLimit', backoffLimit, 0);
    checkMinimum(path, 'ttlSecondsAfterFinished', ttlSecondsAfterFinished, 0);
    checkMinimum(path, 'runAsUser', runAsUser, 1);
    checkMinimum(path, 'maxConcurrentJobs', maxConcurrentJobs, 1);
    this.name = id;
    this.namespace = props.namespace;
    this.image = props.image;
    this.resources = resolveResources(path, props.resources);
    this.dependsOn = props.dependsOn ?? [];
    this.maxConcurrentJobs = maxConcurrentJobs;
    const labels = {
      'app.kubernetes.io/name': id,
      'app.kubernetes.io/component': 'job',
      'app.kubernetes.io/managed-by': 'stagecraft',
    };
    this.podSelector = { 'app.kubernetes.io/name': id, 'app.kubernetes.io/component': 'job' };
    const variables = Object.entries(props.variables ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    new k8s.KubeCronJob(this, 'cronjob', {
      metadata: { name: id, namespace: props.namespace, labels },
      spec: {
        schedule: NEVER,
        suspend: true,
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit,
            ttlSecondsAfterFinished,
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: restrictedPodSecurityContext(runAsUser),
                containers: [
                  {
                    name: id,
                    image: props.image,
                    imagePullPolicy: 'IfNotPresent',
                    command: props.command,
                    env: variables.length > 0 ? variables.map(([name, value]) => ({ name, value })) : undefined,
                    resources: {
                      requests: {
                        cpu: k8s.Quantity.fromString(this.resources.requests.cpu),
                        memory: k8s.Quantity.fromString(this.resources.requests.memory),
                      },
                      limits: {
                        cpu: k8s.Quantity.fromString(this.resources.limits.cpu),
                        memory: k8s.Quantity.fromString(this.resources.limits.memory),
                      },
                    },
                    securityContext: restrictedContainerSecurityContext(),
                    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                  },
                ],
                volumes: [{ name: 'tmp', emptyDir: {} }],
              },
            },
          },
        },
      },
    });
  }
}

/** What the Jobs of `template` reach in `env`: its `dependsOn` that exist there. */
export function jobEndpointsIn(template: JobTemplate, env: Environment): IEndpoint[] {
  return template.dependsOn.filter((endpoint) => endpoint.runsIn?.(env) ?? true);
}

/** The keys of `JobTemplateProps`, checked at run time. */
export const JOB_TEMPLATE_SHAPE = shape<JobTemplateProps>('JobTemplateProps', {
  namespace: 'string',
  image: 'string',
  resources: RESOURCES_SHAPE,
  command: 'strings',
  variables: 'stringMap',
  backoffLimit: 'number',
  ttlSecondsAfterFinished: 'number',
  runAsUser: 'number',
  dependsOn: { listOf: 'any' },
  maxConcurrentJobs: 'number',
});
