import { checkCidr } from '../core/cidr';
import { checkMinimum } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { shape } from '../core/props-shape';

/**
 * Where the pods that write native backups reach the object store, for their egress network
 * policy: an S3 endpoint outside the cluster is an address range and a port.
 */
export interface ObjectStoreEndpointProps {
  /**
   * Addresses of the object store, an IPv4 CIDR.
   * @default '0.0.0.0/0' (a public object store such as S3 has no fixed addresses)
   */
  readonly cidr?: string;
  /**
   * TCP port of its API.
   * @default 443
   */
  readonly port?: number;
}

/** `ObjectStoreEndpointProps` with defaults filled. */
export interface ObjectStoreEndpoint {
  readonly cidr: string;
  readonly port: number;
}

/** Scheduled backups of an environment's datastores. */
export interface BackupProps {
  /** Cron schedule in UTC, five fields (e.g. `0 3 * * *` daily, `0 * * * *` hourly). */
  readonly schedule: string;
  /** Days a backup is kept before it is deleted. */
  readonly retentionDays: number;
  /**
   * Size of the volume that keeps dump files (engines backed up by CronJob).
   * @default '5Gi'
   */
  readonly storage?: string;
  /**
   * Object store for engines with native continuous backup (CloudNativePG), e.g. `s3://bucket/prod`.
   * @default - required when a PostgreSQL datastore runs the HA topology with backups
   */
  readonly objectStore?: string;
  /**
   * Where `objectStore` is reached, for the egress network policies of default-deny environments.
   * @default - any address on TCP 443
   */
  readonly objectStoreEndpoint?: ObjectStoreEndpointProps;
}

/** The object store endpoint of `backup` with defaults filled. */
export function objectStoreEndpoint(backup: BackupProps): ObjectStoreEndpoint {
  return { cidr: backup.objectStoreEndpoint?.cidr ?? '0.0.0.0/0', port: backup.objectStoreEndpoint?.port ?? 443 };
}

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** Checks a backup setting; throws under `path`. */
export function checkBackup(path: string, backup: BackupProps): void {
  const fields = backup.schedule.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
    throw new StagecraftError(
      path,
      `backup schedule must be a 5-field cron expression such as "0 3 * * *", got ${JSON.stringify(backup.schedule)}`,
    );
  }
  checkMinimum(path, 'backup retentionDays', backup.retentionDays, 1);
  const endpoint = objectStoreEndpoint(backup);
  checkCidr(path, 'backup objectStoreEndpoint.cidr', endpoint.cidr);
  if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) {
    throw new StagecraftError(
      path,
      `backup objectStoreEndpoint.port must be a TCP port between 1 and 65535, got ${JSON.stringify(endpoint.port)}`,
    );
  }
}

/** Human form: `Daily (03:00 UTC), 7 days` / `Hourly, 30 days`. */
export function describeBackup(backup: BackupProps | undefined): { frequency: string; retention: string } {
  if (!backup) return { frequency: 'None', retention: 'N/A' };
  const [minute, hour, dom, month, dow] = backup.schedule.split(/\s+/);
  let frequency = `Cron \`${backup.schedule}\``;
  if (hour === '*' && dom === '*' && month === '*' && dow === '*') frequency = 'Hourly';
  else if (/^\d+$/.test(hour) && dom === '*' && month === '*' && dow === '*')
    frequency = `Daily (${hour.padStart(2, '0')}:${minute.padStart(2, '0')} UTC)`;
  return { frequency, retention: `${backup.retentionDays} ${backup.retentionDays === 1 ? 'day' : 'days'}` };
}

/** The keys of `BackupProps`, checked at run time. */
export const BACKUP_SHAPE = shape<BackupProps>('BackupProps', {
  schedule: 'string',
  retentionDays: 'number',
  storage: 'string',
  objectStore: 'string',
  objectStoreEndpoint: shape<ObjectStoreEndpointProps>('ObjectStoreEndpointProps', { cidr: 'string', port: 'number' }),
});
