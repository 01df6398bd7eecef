import { targetApiVersion } from './operator-releases';
import * as ext from '../../imports/external-secrets';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';
import { SecretStoreProvider } from './secret-store-provider';

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
    const path = 'SecretSource.externalSecrets';
    checkProps(path, options, EXTERNAL_SECRETS_SHAPE);
    const storeKind = options.storeKind ?? 'ClusterSecretStore';
    if (options.provider && storeKind !== 'ClusterSecretStore') {
      throw new StagecraftError(
        path,
        `storeKind ${JSON.stringify(storeKind)} with a provider: synth writes the store as a ClusterSecretStore restricted to the environment's namespace; allowed: storeKind ClusterSecretStore with a provider, or SecretStore without one (managed outside this repository)`,
      );
    }
    return new SecretSource({
      storeName: options.storeName,
      storeKind,
      keyPrefix: options.keyPrefix,
      refreshInterval: options.refreshInterval ?? '1h',
      provider: options.provider,
    });
  }

  private constructor(
    /** The External Secrets settings, when secrets are synced. */
    public readonly external: ExternalSecretsSettings | undefined,
  ) {}

  /** Human form for documentation. */
  public describe(): string {
    if (!this.external) return 'Created out of band (kubectl create secret), referenced by name';
    const { storeKind, storeName, keyPrefix, refreshInterval, provider } = this.external;
    const written = provider ? `${provider.description}, admitting this namespace only; ` : '';
    return `ExternalSecret from ${storeKind} ${storeName} (${written}${keyPrefix}/*, refresh ${refreshInterval})`;
  }

  /**
   * The ClusterSecretStore synth writes for an environment whose namespace is `namespace`, its
   * `spec.conditions` admitting ExternalSecrets of that namespace only; undefined where no
   * provider is set (the store is managed outside this repository).
   */
  public clusterSecretStore(namespace: string, labels: Record<string, string>): object | undefined {
    const provider = this.external?.provider;
    if (!provider) return undefined;
    return {
      apiVersion: targetApiVersion('external-secrets.io', 'ClusterSecretStore'),
      kind: 'ClusterSecretStore',
      metadata: { name: this.external!.storeName, labels },
      spec: { conditions: [{ namespaces: [namespace] }], provider: provider.spec },
    };
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
    return {
      apiVersion: targetApiVersion('external-secrets.io', 'ExternalSecret'),
      kind: 'ExternalSecret',
      metadata: { name, labels },
      spec,
    };
  }
}

/** `ExternalSecretsOptions` with every default filled. */
export interface ExternalSecretsSettings {
  /** Name of the store. */
  readonly storeName: string;
  /** Kind of the store. */
  readonly storeKind: 'SecretStore' | 'ClusterSecretStore';
  /** Prefix of remote keys. */
  readonly keyPrefix: string;
  /** How often the operator re-reads the remote secret. */
  readonly refreshInterval: string;
  /** Where the store synth writes reads from, or undefined for a store managed outside. */
  readonly provider: SecretStoreProvider | undefined;
}

/** Options of `SecretSource.externalSecrets()`. */
export interface ExternalSecretsOptions {
  /** Name of the SecretStore or ClusterSecretStore. */
  readonly storeName: string;
  /**
   * Kind of the store. A store managed outside this repository must admit only the
   * environment's namespace: a SecretStore in it, or a ClusterSecretStore whose
   * `spec.conditions` name it (see docs/gitops.md).
   * @default 'ClusterSecretStore'
   */
  readonly storeKind?: 'SecretStore' | 'ClusterSecretStore';
  /**
   * The secret manager the store reads from. Given, synth writes the store itself: a
   * ClusterSecretStore `storeName` per environment whose `spec.conditions` admit only the
   * environment's namespace, so no other environment's ExternalSecret can read through it.
   * @default - the store is managed outside this repository
   */
  readonly provider?: SecretStoreProvider;
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
  provider: { instanceOf: SecretStoreProvider, hint: 'a SecretStoreProvider' },
});
