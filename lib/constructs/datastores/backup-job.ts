import { Environment } from '../../model/environment';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security-context';
import { DatastoreContext } from './datastore-context';
import { SingleInstanceSpec, singleInstanceImage } from './single-instance';

/** Directory of the dump volume inside the backup job. */
const BACKUPS = '/backups';

/** Name of a datastore's dump job: its CronJob, ServiceAccount and pod name label. */
export function backupJobName(d: DatastoreContext): string {
  return `${d.name}-backup`;
}

/** Labels that select the dump job's pods (for its network edge to the server). */
export function backupJobSelector(d: DatastoreContext): Record<string, string> {
  return { ...d.selectorLabels, 'app.kubernetes.io/name': backupJobName(d) };
}

/** Size of the dump volume in `env`: the table's `backup.storage`, else 5Gi. */
export function dumpVolumeSize(env: Environment): string {
  return env.datastores.backup?.storage ?? '5Gi';
}

/**
 * Path of one dump file without its extension, `/backups/<name>-<UTC timestamp>`, for the
 * engine's dump command (the job prunes `<name>-*` past the retention).
 */
export function dumpFile(d: DatastoreContext): string {
  return `${BACKUPS}/${d.name}-$(date -u +%Y%m%dT%H%M%SZ)`;
}

/**
 * The files of a dump backup in `env`: a PersistentVolumeClaim for the dumps, a ServiceAccount
 * without token, and a CronJob that runs `dump` with the server's own image and user on the
 * table's schedule, reading `secretKeys` of the credentials as `DB_<KEY>`, then prunes dumps
 * older than the retention.
 */
export function dumpBackupResources(
  d: DatastoreContext,
  spec: SingleInstanceSpec,
  secretKeys: readonly string[],
  dump: string,
  env: Environment,
): Record<string, unknown> {
  const backup = env.datastores.backup!;
  const name = backupJobName(d);
  const prune = `find ${BACKUPS} -type f -name '${d.name}-*' -mtime +${backup.retentionDays} -delete`;
  const labels = { ...d.labels, 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'backup' };
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, labels },
    spec: {
      schedule: backup.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'OnFailure',
              automountServiceAccountToken: false,
              serviceAccountName: name,
              securityContext: restrictedPodSecurityContext(spec.uid),
              containers: [
                {
                  name: 'backup',
                  image: singleInstanceImage(d, spec),
                  imagePullPolicy: 'IfNotPresent',
                  command: ['sh', '-c', `set -eu; ${dump}; ${prune}`],
                  env: secretKeys.map((key) => ({
                    name: `DB_${key.toUpperCase()}`,
                    valueFrom: { secretKeyRef: { name: d.credentialsSecret, key } },
                  })),
                  resources: env.datastores.resources,
                  securityContext: restrictedContainerSecurityContext(),
                  volumeMounts: [
                    { name: 'backups', mountPath: BACKUPS },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'backups', persistentVolumeClaim: { claimName: `${d.name}-backups` } },
                { name: 'tmp', emptyDir: {} },
              ],
            },
          },
        },
      },
    },
  };
  return {
    'backup-pvc.yaml': {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `${d.name}-backups`, labels: d.labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: dumpVolumeSize(env) } },
      },
    },
    'backup-serviceaccount.yaml': {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, labels: d.labels },
      automountServiceAccountToken: false,
    },
    'backup-cronjob.yaml': cronJob,
  };
}
