import { IDatastoreEngine } from './engine';
import { KafkaEngine } from './kafka';
import { MinioEngine } from './minio';
import { MongoDbEngine } from './mongodb';
import { PostgreSqlEngine } from './postgresql';
import { RedisEngine } from './redis';

/**
 * The database engines a `Datastore` can run, as an enum-like class (cdk8s-plus style): each
 * static member is the engine object itself, so `DatastoreProps.engine` carries its behaviour
 * and nothing anywhere looks an engine up by name or switches on it. Chosen over a string enum
 * mapped to engine objects, which would keep a second table to keep in step: adding an engine
 * is one file in this folder and one member here. The set is closed (`Datastore` accepts only
 * these): the engine contract reaches into the construct's rendering and is not a stable
 * extension point.
 */
export class DatastoreEngine {
  /** MongoDB (HA: replica set of 3 through the MongoDB Community operator). */
  public static readonly MONGODB: IDatastoreEngine = new MongoDbEngine();
  /** PostgreSQL (HA: CloudNativePG cluster of 3 with continuous backup). */
  public static readonly POSTGRESQL: IDatastoreEngine = new PostgreSqlEngine();
  /** Redis (HA: Redis with Sentinel of 3 through the Spotahome Redis operator; CLUSTER: a sharded Redis Cluster). */
  public static readonly REDIS: IDatastoreEngine = new RedisEngine();
  /** Kafka in KRaft mode (HA: a Strimzi `Kafka` cluster of 3 combined controller/broker nodes). */
  public static readonly KAFKA: IDatastoreEngine = new KafkaEngine();
  /** MinIO, an S3-compatible object store (single node; use EXTERNAL for S3 or R2 in production). */
  public static readonly MINIO: IDatastoreEngine = new MinioEngine();

  /** Every engine, in declaration order. */
  public static all(): readonly IDatastoreEngine[] {
    return [
      DatastoreEngine.MONGODB,
      DatastoreEngine.POSTGRESQL,
      DatastoreEngine.REDIS,
      DatastoreEngine.KAFKA,
      DatastoreEngine.MINIO,
    ];
  }

  private constructor() {}
}
