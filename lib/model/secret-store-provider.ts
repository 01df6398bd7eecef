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

/** A ServiceAccount the operator presents the token of, in the platform team's namespace. */
export interface StoreServiceAccountRef {
  /** Namespace of the ServiceAccount (e.g. `external-secrets`): never an application namespace. */
  readonly namespace: string;
  /** ServiceAccount name. */
  readonly name: string;
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
  readonly serviceAccount: StoreServiceAccountRef;
}

/** Options of `SecretStoreProvider.awsSecretsManager()`. */
export interface AwsSecretsManagerOptions {
  /** AWS region the secrets are kept in (e.g. `eu-central-1`). */
  readonly region: string;
  /**
   * The ServiceAccount whose token the operator exchanges for the IAM role its
   * `eks.amazonaws.com/role-arn` annotation names (IAM Roles for Service Accounts).
   */
  readonly serviceAccount: StoreServiceAccountRef;
}

/** Options of `SecretStoreProvider.infisical()`. */
export interface InfisicalOptions {
  /**
   * URL of the Infisical API.
   * @default 'https://app.infisical.com/api' (Infisical Cloud)
   */
  readonly hostAPI?: string;
  /** Slug of the Infisical project (e.g. `celery-platform`). */
  readonly projectSlug: string;
  /** Slug of the project's environment the store reads (e.g. `staging`). */
  readonly environmentSlug: string;
  /**
   * Folder of the environment that keys without a leading `/` are read from.
   * @default '/'
   */
  readonly secretsPath?: string;
  /** Client ID of the machine identity's Universal Auth, created out of band. */
  readonly clientId: StoreCredentialRef;
  /** Client secret of the machine identity's Universal Auth, created out of band. */
  readonly clientSecret: StoreCredentialRef;
}

/** Options of `SecretStoreProvider.azureKeyVault()`. */
export interface AzureKeyVaultOptions {
  /** URL of the vault, `https://<vault-name>.vault.azure.net`. */
  readonly vaultUrl: string;
  /**
   * The ServiceAccount federated with an Entra ID identity (Workload Identity): its
   * `azure.workload.identity/client-id` and `azure.workload.identity/tenant-id` annotations name it.
   */
  readonly serviceAccount: StoreServiceAccountRef;
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
    checkServiceAccount(path, options.serviceAccount);
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

  /** AWS Secrets Manager, the operator assuming an IAM role through its ServiceAccount (IRSA). */
  public static awsSecretsManager(options: AwsSecretsManagerOptions): SecretStoreProvider {
    const path = 'SecretStoreProvider.awsSecretsManager';
    checkProps(path, options, AWS_SECRETS_MANAGER_SHAPE);
    if (!AWS_REGION.test(options.region)) {
      throw new StagecraftError(
        path,
        `region must be an AWS region such as eu-central-1, got ${JSON.stringify(options.region)}`,
      );
    }
    checkServiceAccount(path, options.serviceAccount);
    return new SecretStoreProvider(`AWS Secrets Manager ${options.region}`, {
      aws: {
        service: 'SecretsManager',
        region: options.region,
        auth: { jwt: { serviceAccountRef: { ...options.serviceAccount } } },
      },
    });
  }

  /** Infisical, the operator logging in as a machine identity with Universal Auth. */
  public static infisical(options: InfisicalOptions): SecretStoreProvider {
    const path = 'SecretStoreProvider.infisical';
    checkProps(path, options, INFISICAL_SHAPE);
    const hostAPI = options.hostAPI ?? 'https://app.infisical.com/api';
    const secretsPath = options.secretsPath ?? '/';
    checkUrl(path, 'hostAPI', hostAPI);
    checkSlug(path, 'projectSlug', options.projectSlug);
    checkSlug(path, 'environmentSlug', options.environmentSlug);
    if (!secretsPath.startsWith('/')) {
      throw new StagecraftError(
        path,
        `secretsPath must be a folder starting with '/', got ${JSON.stringify(secretsPath)}`,
      );
    }
    checkCredential(path, 'clientId', options.clientId);
    checkCredential(path, 'clientSecret', options.clientSecret);
    return new SecretStoreProvider(
      `Infisical ${hostAPI} (project ${options.projectSlug}, environment ${options.environmentSlug}, ${secretsPath})`,
      {
        infisical: {
          hostAPI,
          auth: {
            universalAuthCredentials: { clientId: { ...options.clientId }, clientSecret: { ...options.clientSecret } },
          },
          secretsScope: {
            projectSlug: options.projectSlug,
            environmentSlug: options.environmentSlug,
            secretsPath,
          },
        },
      },
    );
  }

  /** Azure Key Vault, the operator authenticating with Workload Identity: no credential is stored. */
  public static azureKeyVault(options: AzureKeyVaultOptions): SecretStoreProvider {
    const path = 'SecretStoreProvider.azureKeyVault';
    checkProps(path, options, AZURE_KEY_VAULT_SHAPE);
    if (!/^https:\/\/[^\s/]+/.test(options.vaultUrl)) {
      throw new StagecraftError(
        path,
        `vaultUrl must be an https URL such as https://<vault-name>.vault.azure.net, got ${JSON.stringify(options.vaultUrl)}`,
      );
    }
    checkServiceAccount(path, options.serviceAccount);
    return new SecretStoreProvider(`Azure Key Vault ${options.vaultUrl}`, {
      azurekv: {
        vaultUrl: options.vaultUrl,
        authType: 'WorkloadIdentity',
        serviceAccountRef: { ...options.serviceAccount },
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

/** Region names such as `eu-central-1`, `us-gov-west-1` or `cn-north-1`. */
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Infisical's slugs: lowercase words joined by single hyphens. */
const INFISICAL_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function checkSlug(path: string, what: string, value: string): void {
  if (value.length > 64 || !INFISICAL_SLUG.test(value)) {
    throw new StagecraftError(
      path,
      `${what} must be an Infisical slug (lowercase letters and digits joined by single '-', at most 64 characters), got ${JSON.stringify(value)}`,
    );
  }
}

function checkServiceAccount(path: string, ref: StoreServiceAccountRef): void {
  checkDnsLabel(path, 'serviceAccount.namespace', ref.namespace);
  checkDnsLabel(path, 'serviceAccount.name', ref.name);
}

function checkCredential(path: string, what: string, ref: StoreCredentialRef): void {
  checkDnsLabel(path, `${what}.namespace`, ref.namespace);
  checkDnsLabel(path, `${what}.name`, ref.name);
  if (!SECRET_KEY.test(ref.key ?? '')) {
    throw new StagecraftError(
      path,
      `${what}.key must be a Secret key (letters, digits, '-', '_' and '.'), got ${JSON.stringify(ref.key)}`,
    );
  }
}

/** Keys of a Secret's data, as the API server admits them. */
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

const CREDENTIAL_SHAPE = shape<StoreCredentialRef>('StoreCredentialRef', {
  namespace: 'string',
  name: 'string',
  key: 'string',
});

const SERVICE_ACCOUNT_SHAPE = shape<StoreServiceAccountRef>('StoreServiceAccountRef', {
  namespace: 'string',
  name: 'string',
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
  serviceAccount: SERVICE_ACCOUNT_SHAPE,
});

/** The keys of `AwsSecretsManagerOptions`, checked at run time. */
export const AWS_SECRETS_MANAGER_SHAPE = shape<AwsSecretsManagerOptions>('AwsSecretsManagerOptions', {
  region: 'string',
  serviceAccount: SERVICE_ACCOUNT_SHAPE,
});

/** The keys of `InfisicalOptions`, checked at run time. */
export const INFISICAL_SHAPE = shape<InfisicalOptions>('InfisicalOptions', {
  hostAPI: 'string',
  projectSlug: 'string',
  environmentSlug: 'string',
  secretsPath: 'string',
  clientId: CREDENTIAL_SHAPE,
  clientSecret: CREDENTIAL_SHAPE,
});

/** The keys of `AzureKeyVaultOptions`, checked at run time. */
export const AZURE_KEY_VAULT_SHAPE = shape<AzureKeyVaultOptions>('AzureKeyVaultOptions', {
  vaultUrl: 'string',
  serviceAccount: SERVICE_ACCOUNT_SHAPE,
});
