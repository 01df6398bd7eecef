import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { JobTemplate } from './job-template';
import { Microservice } from './microservice';
import { checkDnsLabel } from '../core/checks';
import { checkProps, shape } from '../core/props-shape';

/** Props of a `JobGrant`. */
export interface JobGrantProps {
  /** The template whose namespace the Jobs run in; its CronJob is the only one readable. */
  readonly template: JobTemplate;
  /**
   * The service whose ServiceAccount may create Jobs (e.g. the backend). Its pods get an API
   * token mounted, which every other service keeps off.
   */
  readonly service: Microservice;
  /** Namespace the service runs in (e.g. `platform`): the RoleBinding subject's namespace. */
  readonly serviceNamespace: string;
}

/**
 * Lets one ServiceAccount from another namespace run Jobs from one `JobTemplate` and nothing
 * more: a Role in the template's namespace that may read that one CronJob (to copy its
 * `jobTemplate`) and create, get, list and watch Jobs, bound to the ServiceAccount.
 * No delete, no pods, no secrets, no other namespace.
 */
export class JobGrant extends Construct {
  /** Name of the Role and RoleBinding: `<service>-runs-<template>`. */
  public readonly name: string;
  /** Namespace of the granted service. */
  public readonly serviceNamespace: string;

  constructor(scope: Construct, id: string, props: JobGrantProps) {
    super(scope, id);
    checkProps(this.node.path, props, JOB_GRANT_SHAPE);
    checkDnsLabel(this.node.path, 'serviceNamespace', props.serviceNamespace);
    const namespace = props.template.namespace;
    this.serviceNamespace = props.serviceNamespace;
    this.name = `${props.service.name}-runs-${props.template.name}`;
    checkDnsLabel(this.node.path, 'role name', this.name);
    const metadata = { name: this.name, namespace, labels: { 'app.kubernetes.io/managed-by': 'stagecraft' } };
    new k8s.KubeRole(this, 'role', {
      metadata,
      rules: [
        { apiGroups: ['batch'], resources: ['cronjobs'], resourceNames: [props.template.name], verbs: ['get'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'binding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: props.service.name, namespace: props.serviceNamespace }],
    });
    // The service talks to the API server, so it needs its token; the waiver tells the gate why.
    const deployment = props.service.base.node.findChild('deployment') as ApiObject;
    deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/automountServiceAccountToken', true));
    const reason = `creates and watches Jobs in namespace ${namespace} through Role ${this.name}`;
    deployment.metadata.addAnnotation('stagecraft.dev/waive.automount-token', reason);
    props.service.addKubernetesApiAccess(reason);
  }
}

/** The keys of `JobGrantProps`, checked at run time. */
export const JOB_GRANT_SHAPE = shape<JobGrantProps>('JobGrantProps', {
  template: { instanceOf: JobTemplate, hint: 'a JobTemplate' },
  service: { instanceOf: Microservice, hint: 'a Microservice' },
  serviceNamespace: 'string',
});
