import * as ext from '../../imports/external-secrets';
import { checkProps, shape } from '../core/props-shape';

/** Where an environment's Secrets come from. No secret value is ever generated or committed. */
export class SecretSource {
  /**
   * Secrets are created out of band (e.g. `kubectl create secret generic ...`) before the
   * first sync; manifests only reference them by name.
   */
  public static manual(): SecretSource {
    return new SecretSource(undefined);
  }

  /** Secrets are synced from a secret manager by the External Secrets Operator. */
  public static externalSecrets(options: ExternalSecretsOptions): SecretSource {
    checkProps('SecretSource.externalSecrets', options, EXTERNAL_SECRETS_SHAPE);
    return new SecretSource({
      storeName: options.storeName,
      storeKind: options.storeKind ?? 'ClusterSecretStore',
      keyPrefix: options.keyPrefix,
      refreshInterval: options.refreshInterval ?? '1h',
    });
  }

  private constructor(
    /** The External Secrets settings, when secrets are synced. */
    public readonly external: Required<ExternalSecretsOptions> | undefined,
  ) {}

  /** Human form for documentation. */
  public describe(): string {
    return this.external
      ? `ExternalSecret from ${this.external.storeKind} ${this.external.storeName} (${this.external.keyPrefix}/*, refresh ${this.external.refreshInterval})`
      : 'Created out of band (kubectl create secret), referenced by name';
  }

  /**
   * The ExternalSecret that produces Secret `name` with `keys`, or undefined for manual secrets.
   * Remote keys are `<keyPrefix>/<name>` with one property per key.
   */
  public externalSecret(
    name: string,
    keys: readonly string[],
    labels: Record<string, string>,
    type?: string,
  ): object | undefined {
    if (!this.external) return undefined;
    const spec: ext.ExternalSecretSpec = {
      refreshInterval: this.external.refreshInterval,
      secretStoreRef: { name: this.external.storeName, kind: this.external.storeKind },
      target: { name, creationPolicy: 'Owner', ...(type ? { template: { type } } : {}) },
      data: keys.map((key) => ({
        secretKey: key,
        remoteRef: { key: `${this.external!.keyPrefix}/${name}`, property: key },
      })),
    };
    return { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name, labels }, spec };
  }
}

/** Options of `SecretSource.externalSecrets()`. */
export interface ExternalSecretsOptions {
  /** Name of the SecretStore or ClusterSecretStore. */
  readonly storeName: string;
  /**
   * Kind of the store.
   * @default 'ClusterSecretStore'
   */
  readonly storeKind?: 'SecretStore' | 'ClusterSecretStore';
  /** Prefix of remote keys, e.g. `craftista/prod`. */
  readonly keyPrefix: string;
  /**
   * How often the operator re-reads the remote secret.
   * @default '1h'
   */
  readonly refreshInterval?: string;
}

/** The keys of `ExternalSecretsOptions`, checked at run time. */
export const EXTERNAL_SECRETS_SHAPE = shape<ExternalSecretsOptions>('ExternalSecretsOptions', {
  storeName: 'string',
  storeKind: { oneOf: ['SecretStore', 'ClusterSecretStore'] },
  keyPrefix: 'string',
  refreshInterval: 'string',
});
