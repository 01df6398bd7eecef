import { StagecraftError } from '../../core/errors';
import { DatastoreTopology, ExternalEndpointProps, PoolerSettings } from '../../model/datastore-settings';
import { Environment } from '../../model/environment';
import { DatastoreBackup } from './datastore-backup';
import { DatastoreContext } from './datastore-context';
import { EngineEndpoint, IDatastoreEngine, IOperatedForm } from './engine';
import { SingleInstanceOverlay, SingleInstanceSpec } from './single-instance';

/**
 * What most engines share: the platform's name as database, no pooler, standbys or advertised
 * address, one client port, one URL form for the single instance and a managed service, and
 * their operator-managed forms by topology. Each engine states the rest.
 */
export abstract class DatastoreEngineBase implements IDatastoreEngine {
  public abstract readonly name: string;
  public abstract readonly displayName: string;
  public abstract readonly defaultVersion: string;
  public abstract readonly port: number;
  public abstract readonly secretKeys: readonly string[];
  public abstract readonly operatorNamespace: string;
  /** The engine's operator-managed forms, by topology. */
  protected abstract readonly forms: Partial<Record<DatastoreTopology, IOperatedForm>>;

  public abstract singleInstance(d: DatastoreContext): SingleInstanceSpec;
  public abstract singleBackup(d: DatastoreContext): DatastoreBackup;
  /** The connection URL template of a server at `host:port`. */
  protected abstract serverUrl(d: DatastoreContext, host: string, port: number): string;

  public defaultDatabase(platform: string): string {
    return platform;
  }

  public checkTopology(d: DatastoreContext, topology: DatastoreTopology, env: Environment): void {
    if (topology === DatastoreTopology.CLUSTER && !this.forms[topology]) {
      throw new StagecraftError(
        d.node.path,
        `the CLUSTER topology is Redis only, got ${this.name} in environment ${env.name}; allowed: SINGLE, HA, EXTERNAL`,
      );
    }
  }

  public runsWithoutAuth(_topology: DatastoreTopology): boolean {
    return false;
  }

  public poolsConnections(_topology: DatastoreTopology): boolean {
    return false;
  }

  public hasStandbys(_topology: DatastoreTopology): boolean {
    return false;
  }

  public advertisesAddress(_topology: DatastoreTopology): boolean {
    return false;
  }

  public singleOverlay(_d: DatastoreContext, _advertised: string | undefined): SingleInstanceOverlay {
    return { container: {}, patches: {} };
  }

  public singlePorts(d: DatastoreContext, _advertised: string | undefined): number[] {
    return [d.port];
  }

  public singleEndpoint(d: DatastoreContext, _env?: Environment): EngineEndpoint {
    return { url: this.serverUrl(d, d.name, d.port) };
  }

  public externalEndpoint(d: DatastoreContext, external: ExternalEndpointProps): EngineEndpoint {
    return { url: this.serverUrl(d, external.host, external.port ?? d.port) };
  }

  public operated(d: DatastoreContext, topology: DatastoreTopology): IOperatedForm {
    const form = this.forms[topology];
    if (!form) {
      throw new StagecraftError(d.node.path, `${this.displayName} has no operator-managed ${topology} topology`);
    }
    return form;
  }

  public poolerSelector(_d: DatastoreContext, _topology: DatastoreTopology): Record<string, string> | undefined {
    return undefined;
  }

  public poolerResources(
    _d: DatastoreContext,
    _topology: DatastoreTopology,
    _env: Environment,
    _pooler: PoolerSettings,
  ): Record<string, unknown> {
    return {};
  }
}
