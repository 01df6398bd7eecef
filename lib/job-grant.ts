import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { JobTemplate } from './job-template';
import { checkDnsLabel } from './validation';

/** Props of a `JobGrant`. */
export interface JobGrantProps {
  /** The template whose namespace the Jobs run in; its CronJob is the only one readable. */
  readonly template: JobTemplate;
  /** Name of the ServiceAccount that may create Jobs (e.g. the backend's). */
  readonly serviceAccount: string;
  /** Namespace of that ServiceAccount (e.g. `platform`). */
  readonly serviceAccountNamespace: string;
}

/**
 * Lets one ServiceAccount from another namespace run Jobs from one `JobTemplate` and nothing
 * more: a Role in the template's namespace that may read that one CronJob (to copy its
 * `jobTemplate`) and create, get, list and watch Jobs, bound to the ServiceAccount.
 * No delete, no pods, no secrets, no other namespace.
 */
export class JobGrant extends Construct {
  /** Name of the Role and RoleBinding: `<serviceAccount>-runs-<template>`. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: JobGrantProps) {
    super(scope, id);
    checkDnsLabel(this.node.path, 'serviceAccount', props.serviceAccount);
    checkDnsLabel(this.node.path, 'serviceAccountNamespace', props.serviceAccountNamespace);
    const namespace = props.template.namespace;
    this.name = `${props.serviceAccount}-runs-${props.template.name}`;
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
      subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount, namespace: props.serviceAccountNamespace }],
    });
  }
}
