import { StagecraftError } from '../../core/errors';
import { DatastoreTopology, ExternalEndpointProps } from '../../model/datastore-settings';
import { Environment } from '../../model/environment';
import { DatastoreBackup } from './datastore-backup';
import { DatastoreContext } from './datastore-context';
import { EngineEndpoint } from './engine';
import { DatastoreEngineBase } from './engine-base';
import { SingleInstanceSpec } from './single-instance';

/** MinIO, an S3-compatible object store: a single node; S3 or R2 (EXTERNAL) in production. */
export class MinioEngine extends DatastoreEngineBase {
  public readonly name = 'minio';
  public readonly displayName = 'MinIO';
  public readonly defaultVersion = 'RELEASE.2024-10-13T13-34-11Z';
  public readonly port = 9000;
  public readonly secretKeys = ['password', 'username'];
  public readonly operatorNamespace = 'minio-operator';
  protected readonly forms = {};

  public checkTopology(d: DatastoreContext, topology: DatastoreTopology, env: Environment): void {
    if (topology === DatastoreTopology.HA) {
      throw new StagecraftError(
        d.node.path,
        `MinIO has no HA topology here (environment ${env.name}); allowed: SINGLE, or EXTERNAL for S3/R2`,
      );
    }
    super.checkTopology(d, topology, env);
  }

  public singleInstance(): SingleInstanceSpec {
    return {
      containerName: this.name,
      image: 'minio/minio',
      portName: 's3',
      uid: 1000,
      dataPath: '/data',
      scratchPaths: ['/tmp', '/.minio'],
      environment: [
        { name: 'MINIO_ROOT_USER', secretKey: 'username' },
        { name: 'MINIO_ROOT_PASSWORD', secretKey: 'password' },
      ],
      readiness: ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/9000'],
    };
  }

  /** S3 and R2 speak HTTPS, on 443 unless the table names another port. */
  public externalEndpoint(_d: DatastoreContext, external: ExternalEndpointProps): EngineEndpoint {
    const port = external.port && external.port !== 443 ? `:${external.port}` : '';
    return { url: `https://${external.host}${port}` };
  }

  /** No dump job for an object store here. */
  public singleBackup(): DatastoreBackup {
    return DatastoreBackup.none();
  }

  protected serverUrl(_d: DatastoreContext, host: string, port: number): string {
    return `http://${host}:${port}`;
  }
}
