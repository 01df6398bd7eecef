import { NetworkClient } from '../network-edge';

/** How a datastore's data is backed up where the environment table asks for backups. */
export enum BackupMethod {
  /** The operator backs up continuously to an object store (CloudNativePG, with a ScheduledBackup). */
  NATIVE = 'native',
  /** A CronJob dumps the database into its own PersistentVolumeClaim and prunes old dumps. */
  DUMP = 'dump',
  /** No backup: none asked for, the data lives outside the cluster, or it is replicated, not dumped. */
  NONE = 'none',
}

/** A Secret a backup reads, with the keys it must hold. */
export interface BackupSecret {
  /** Secret name. */
  readonly name: string;
  /** Keys it must hold. */
  readonly keys: readonly string[];
}

/**
 * A datastore's backup in one environment: its method and what the method needs. Built by
 * the datastore's engine, read by the overlay (what to render), the namespace (what the
 * ResourceQuota counts), the network policies (the dump job's edge) and the secrets list.
 */
export class DatastoreBackup {
  /** No backup. */
  public static none(): DatastoreBackup {
    return new DatastoreBackup(BackupMethod.NONE, undefined, undefined, undefined);
  }

  /**
   * The operator's own backup, reading the object store's credentials from `secret`, written
   * to the object store by the pods `writers` (their egress network policy reaches it).
   */
  public static native(secret: BackupSecret, writers: NetworkClient): DatastoreBackup {
    return new DatastoreBackup(BackupMethod.NATIVE, undefined, secret, writers);
  }

  /** A dump CronJob running `command`, a shell command that writes one dump file below `/backups`. */
  public static dump(command: string): DatastoreBackup {
    return new DatastoreBackup(BackupMethod.DUMP, command, undefined, undefined);
  }

  private constructor(
    /** How the data is backed up. */
    public readonly method: BackupMethod,
    /** The dump command (DUMP only). */
    public readonly dumpCommand: string | undefined,
    /** The Secret the operator's backup reads (NATIVE only). */
    public readonly secret: BackupSecret | undefined,
    /** The pods that write to the object store (NATIVE only). */
    public readonly objectStoreWriters: NetworkClient | undefined,
  ) {}
}
