import { checkDnsLabel } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';

/** A Secret key the store's credentials are read from, in the namespace the platform team keeps them in. */
export interface StoreCredentialRef {
  /** Namespace of the Secret (e.g. `external-secrets`): never an application namespace. */
  readonly namespace: string;
  /** Secret name. */
  readonly name: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** Options of `SecretStoreProvider.onePasswordConnect()`. */
export interface OnePasswordConnectOptions {
  /** URL of the 1Password Connect server (e.g. `http://onepassword-connect.external-secrets.svc:8080`). */
  readonly connectHost: string;
  /** Vaults to search, by name, with their search order (1 first). */
  readonly vaults: Record<string, number>;
  /** The Connect token, created out of band. */
  readonly tokenSecret: StoreCredentialRef;
}

/** Options of `SecretStoreProvider.vault()`. */
export interface VaultOptions {
  /** URL of the Vault server (e.g. `https://vault.example.com:8200`). */
  readonly server: string;
  /** Mount path of the KV secrets engine (e.g. `secret`). */
  readonly path: string;
  /**
   * Version of the KV engine.
   * @default 'v2'
   */
  readonly version?: 'v1' | 'v2';
  /** Vault role of the Kubernetes auth method the operator logs in with. */
  readonly role: string;
  /**
   * Mount path of the Kubernetes auth method.
   * @default 'kubernetes'
   */
  readonly authMountPath?: string;
  /** The ServiceAccount whose token the operator presents, in the platform team's namespace. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/**
 * Where a ClusterSecretStore synth writes reads secrets from: the `spec.provider` of the
 * External Secrets Operator's store, one factory per provider. Credentials are referenced,
 * never held.
 */
export class SecretStoreProvider {
  /** 1Password through a 1Password Connect server, authenticated by a Connect token. */
  public static onePasswordConnect(options: OnePasswordConnectOptions): SecretStoreProvider {
    const path = 'SecretStoreProvider.onePasswordConnect';
    checkProps(path, options, ONE_PASSWORD_CONNECT_SHAPE);
    checkUrl(path, 'connectHost', options.connectHost);
    checkCredential(path, 'tokenSecret', options.tokenSecret);
    const vaults = Object.entries(options.vaults);
    if (vaults.length === 0) {
      throw new StagecraftError(path, 'vaults must name at least one vault, got none');
    }
    for (const [name, order] of vaults) {
      if (!Number.isInteger(order) || order < 1) {
        throw new StagecraftError(path, `vaults.${name} must be a search order >= 1, got ${order}`);
      }
    }
    return new SecretStoreProvider(`1Password Connect ${options.connectHost}`, {
      onepassword: {
        connectHost: options.connectHost,
        vaults: { ...options.vaults },
        auth: { secretRef: { connectTokenSecretRef: { ...options.tokenSecret } } },
      },
    });
  }

  /** HashiCorp Vault's KV engine, the operator logging in with Kubernetes auth. */
  public static vault(options: VaultOptions): SecretStoreProvider {
    const path = 'SecretStoreProvider.vault';
    checkProps(path, options, VAULT_SHAPE);
    checkUrl(path, 'server', options.server);
    checkDnsLabel(path, 'serviceAccount.namespace', options.serviceAccount.namespace);
    return new SecretStoreProvider(`Vault ${options.server} (${options.path})`, {
      vault: {
        server: options.server,
        path: options.path,
        version: options.version ?? 'v2',
        auth: {
          kubernetes: {
            mountPath: options.authMountPath ?? 'kubernetes',
            role: options.role,
            serviceAccountRef: { ...options.serviceAccount },
          },
        },
      },
    });
  }

  private constructor(
    /** Human form for documentation. */
    public readonly description: string,
    /** The store's `spec.provider`. */
    public readonly spec: Readonly<Record<string, object>>,
  ) {}
}

function checkUrl(path: string, what: string, value: string): void {
  if (!/^https?:\/\/[^\s/]+/.test(value)) {
    throw new StagecraftError(path, `${what} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
}

function checkCredential(path: string, what: string, ref: StoreCredentialRef): void {
  checkDnsLabel(path, `${what}.namespace`, ref.namespace);
  checkDnsLabel(path, `${what}.name`, ref.name);
}

const CREDENTIAL_SHAPE = shape<StoreCredentialRef>('StoreCredentialRef', {
  namespace: 'string',
  name: 'string',
  key: 'string',
});

/** The keys of `OnePasswordConnectOptions`, checked at run time. */
export const ONE_PASSWORD_CONNECT_SHAPE = shape<OnePasswordConnectOptions>('OnePasswordConnectOptions', {
  connectHost: 'string',
  vaults: { mapOf: 'number' },
  tokenSecret: CREDENTIAL_SHAPE,
});

/** The keys of `VaultOptions`, checked at run time. */
export const VAULT_SHAPE = shape<VaultOptions>('VaultOptions', {
  server: 'string',
  path: 'string',
  version: { oneOf: ['v1', 'v2'] },
  role: 'string',
  authMountPath: 'string',
  serviceAccount: shape<VaultOptions['serviceAccount']>('VaultServiceAccount', { namespace: 'string', name: 'string' }),
});
