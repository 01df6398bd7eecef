import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  EnvironmentProps,
  EnvironmentTable,
  Microservice,
  Platform,
  Scaling,
  SecretSource,
  SecretStoreProvider,
} from '../lib';
import { checkSchema } from '../lib/gate/schema';
import { K8sObject } from '../lib/kube/object';
import { render } from '../lib/synth/render';

const RESOURCES = { cpu: '100m', memory: '128Mi' };

const ONE_PASSWORD = {
  connectHost: 'http://onepassword-connect.onepassword.svc:8080',
  vaults: { shop: 1 },
  tokenSecret: { namespace: 'onepassword', name: 'onepassword-connect-token', key: 'token' },
};

/** A GitOps platform over `rows`, one service reading Secret `shop-secrets`. */
function platformOf(rows: Partial<EnvironmentProps>[]): Platform {
  const platform = new Platform(new App(), 'shop', {
    environments: new EnvironmentTable(
      rows.map((row, i) => ({
        name: `env${i}`,
        namespace: `shop-env${i}`,
        scaling: Scaling.fixed(1),
        resources: RESOURCES,
        clusters: [{ name: `cluster${i}` }],
        ...row,
      })),
    ),
    gitops: { repoURL: 'https://git.example.com/shop.git' },
  });
  new Microservice(platform, 'api', {
    image: 'shop/api',
    port: 8080,
    initialTag: '1.0.0',
    secretVariables: { TOKEN: { secret: 'shop-secrets', key: 'token' } },
  });
  return platform;
}

function external(keyPrefix: string, provider?: SecretStoreProvider): SecretSource {
  return SecretSource.externalSecrets({ storeName: 'shop-store', keyPrefix, provider });
}

/** The objects of one rendered YAML file. */
function docs(files: Map<string, string>, file: string): any[] {
  const text = files.get(file);
  if (text === undefined) throw new Error(`${file} was not rendered`);
  return parseAllDocuments(text).map((d) => d.toJSON());
}

/** The gate's schema findings of `object` against the operator's CRD. */
function schemaFindings(object: object): string[] {
  return checkSchema(object as K8sObject).map((f) => f.message);
}

describe('secret stores', () => {
  test('writes per environment a ClusterSecretStore admitting only its namespace, read by its ExternalSecrets', () => {
    // GIVEN two environments syncing secrets through 1Password, and a third with manual secrets
    const provider = SecretStoreProvider.onePasswordConnect(ONE_PASSWORD);
    const platform = platformOf([
      { secrets: external('shop/env0', provider), clusters: [{ name: 'cluster0' }] },
      { secrets: external('shop/env1', provider), clusters: [{ name: 'cluster1' }] },
      {},
    ]);
    // WHEN rendered
    const files = new Map(render(platform).entries());
    // THEN each store names its own environment's namespace in its conditions
    for (const env of ['env0', 'env1']) {
      const [store] = docs(files, `overlays/${env}/secret-store/clustersecretstore.yaml`);
      expect(store).toEqual({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ClusterSecretStore',
        metadata: {
          name: 'shop-store',
          labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'stagecraft' },
        },
        spec: {
          conditions: [{ namespaces: [`shop-${env}`] }],
          provider: {
            onepassword: {
              connectHost: 'http://onepassword-connect.onepassword.svc:8080',
              vaults: { shop: 1 },
              auth: {
                secretRef: {
                  connectTokenSecretRef: { namespace: 'onepassword', name: 'onepassword-connect-token', key: 'token' },
                },
              },
            },
          },
        },
      });
      // AND the operator's own CRD accepts it
      expect(schemaFindings(store)).toEqual([]);
      const [secret] = docs(files, `overlays/${env}/shared/external-secrets.yaml`);
      expect(secret.spec.secretStoreRef).toEqual({ name: 'shop-store', kind: 'ClusterSecretStore' });
      // AND the environment composes it, its AppProject allows it and an Application syncs it
      expect(files.get(`overlays/${env}/kustomization.yaml`)).toContain('  - secret-store\n');
      expect(docs(files, `argocd/apps/${env}/project.yaml`)[0].spec.clusterResourceWhitelist).toEqual([
        { group: '', kind: 'Namespace', name: `shop-${env}` },
        { group: 'external-secrets.io', kind: 'ClusterSecretStore', name: 'shop-store' },
      ]);
      expect(docs(files, `argocd/apps/${env}/secret-store.yaml`)[0].spec).toMatchObject({
        source: { path: `overlays/${env}/secret-store` },
        destination: { name: `cluster${env.slice(-1)}` },
      });
    }
    // AND the environment with manual secrets gets no store
    expect([...files.keys()].filter((f) => f.startsWith('overlays/env2/secret-store'))).toEqual([]);
    expect(docs(files, 'argocd/apps/env2/project.yaml')[0].spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'shop-env2' },
    ]);
  });

  test('writes a Vault store logging in with Kubernetes auth, which the CRD accepts', () => {
    const provider = SecretStoreProvider.vault({
      server: 'https://vault.example.com:8200',
      path: 'secret',
      role: 'shop',
      serviceAccount: { namespace: 'external-secrets', name: 'external-secrets' },
    });
    const files = new Map(render(platformOf([{ secrets: external('shop/env0', provider) }])).entries());
    const [store] = docs(files, 'overlays/env0/secret-store/clustersecretstore.yaml');
    expect(store.spec).toEqual({
      conditions: [{ namespaces: ['shop-env0'] }],
      provider: {
        vault: {
          server: 'https://vault.example.com:8200',
          path: 'secret',
          version: 'v2',
          auth: {
            kubernetes: {
              mountPath: 'kubernetes',
              role: 'shop',
              serviceAccountRef: { namespace: 'external-secrets', name: 'external-secrets' },
            },
          },
        },
      },
    });
    expect(schemaFindings(store)).toEqual([]);
    // The check can fail: a condition naming no valid namespace is refused by the CRD.
    const broken = { ...store, spec: { ...store.spec, conditions: [{ namespaces: ['Not_A_Namespace'] }] } };
    expect(schemaFindings(broken)).toEqual([
      'spec.conditions[0].namespaces[0] must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$, got "Not_A_Namespace"',
    ]);
  });

  test('leaves a store without provider to be managed outside, and writes none', () => {
    const files = new Map(render(platformOf([{ secrets: external('shop/env0') }])).entries());
    expect([...files.keys()].filter((f) => f.includes('secret-store'))).toEqual([]);
    expect(docs(files, 'overlays/env0/shared/external-secrets.yaml')[0].spec.secretStoreRef).toEqual({
      name: 'shop-store',
      kind: 'ClusterSecretStore',
    });
  });

  test('fails when a provider is given with storeKind SecretStore', () => {
    expect(() =>
      SecretSource.externalSecrets({
        storeName: 'shop-store',
        storeKind: 'SecretStore',
        keyPrefix: 'shop/prod',
        provider: SecretStoreProvider.onePasswordConnect(ONE_PASSWORD),
      }),
    ).toThrow(
      '[SecretSource.externalSecrets] storeKind "SecretStore" with a provider: synth writes the store as a ClusterSecretStore restricted to the environment\'s namespace; allowed: storeKind ClusterSecretStore with a provider, or SecretStore without one (managed outside this repository)',
    );
  });

  test('fails when two environments on one cluster would write the same ClusterSecretStore', () => {
    const provider = SecretStoreProvider.onePasswordConnect(ONE_PASSWORD);
    // Neither names a cluster: both are Argo CD's default server.
    const platform = platformOf([
      { secrets: external('shop/env0', provider), clusters: undefined },
      { secrets: external('shop/env1', provider), clusters: undefined },
    ]);
    expect(() => render(platform)).toThrow(
      '[environments/env1/secrets] ClusterSecretStore "shop-store" is written by environments env0 and env1 on one cluster (server https://kubernetes.default.svc); allowed: a storeName of its own per environment on a shared cluster',
    );
  });

  test('fails on provider settings that are no URL, no vault or a bad search order', () => {
    expect(() => SecretStoreProvider.onePasswordConnect({ ...ONE_PASSWORD, connectHost: 'onepassword:8080' })).toThrow(
      '[SecretStoreProvider.onePasswordConnect] connectHost must be an http(s) URL, got "onepassword:8080"',
    );
    expect(() => SecretStoreProvider.onePasswordConnect({ ...ONE_PASSWORD, vaults: {} })).toThrow(
      '[SecretStoreProvider.onePasswordConnect] vaults must name at least one vault, got none',
    );
    expect(() => SecretStoreProvider.onePasswordConnect({ ...ONE_PASSWORD, vaults: { shop: 0 } })).toThrow(
      '[SecretStoreProvider.onePasswordConnect] vaults.shop must be a search order >= 1, got 0',
    );
    expect(() =>
      SecretStoreProvider.onePasswordConnect({
        ...ONE_PASSWORD,
        tokenSecret: { ...ONE_PASSWORD.tokenSecret, namespace: 'One Password' },
      }),
    ).toThrow(
      '[SecretStoreProvider.onePasswordConnect] tokenSecret.namespace must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with an alphanumeric, at most 63 characters), got "One Password"',
    );
  });

  test('fails when a service is named like the store directory', () => {
    const platform = platformOf([{}]);
    new Microservice(platform, 'secret-store', { image: 'shop/store', port: 8080, initialTag: '1.0.0' });
    expect(() => render(platform)).toThrow(
      '[shop/secret-store] name "secret-store" is reserved for the platform\'s own overlay; choose another',
    );
  });
});

describe('secret store providers', () => {
  const SERVICE_ACCOUNT = { namespace: 'external-secrets', name: 'external-secrets' };
  const INFISICAL = {
    projectSlug: 'shop',
    environmentSlug: 'env0',
    clientId: { namespace: 'external-secrets', name: 'infisical-shop-env0', key: 'clientId' },
    clientSecret: { namespace: 'external-secrets', name: 'infisical-shop-env0', key: 'clientSecret' },
  };

  /** The ClusterSecretStore env0 gets from `provider`, checked against the operator's CRD. */
  function storeOf(provider: SecretStoreProvider): any {
    const files = new Map(render(platformOf([{ secrets: external('shop/env0', provider) }])).entries());
    const [store] = docs(files, 'overlays/env0/secret-store/clustersecretstore.yaml');
    expect(store.spec.conditions).toEqual([{ namespaces: ['shop-env0'] }]);
    expect(schemaFindings(store)).toEqual([]);
    return store;
  }

  test('writes an AWS Secrets Manager store authenticated through IRSA, which the CRD accepts', () => {
    const store = storeOf(
      SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1', serviceAccount: SERVICE_ACCOUNT }),
    );
    expect(store.spec.provider).toEqual({
      aws: {
        service: 'SecretsManager',
        region: 'eu-central-1',
        auth: { jwt: { serviceAccountRef: { namespace: 'external-secrets', name: 'external-secrets' } } },
      },
    });
    // The check can fail: the CRD requires the service.
    const broken = { ...store, spec: { ...store.spec, provider: { aws: { region: 'eu-central-1' } } } };
    expect(schemaFindings(broken)).toEqual(['spec.provider.aws is missing required field service']);
  });

  test('writes an Infisical store with Infisical Cloud and the root folder by default, which the CRD accepts', () => {
    const store = storeOf(SecretStoreProvider.infisical(INFISICAL));
    expect(store.spec.provider).toEqual({
      infisical: {
        hostAPI: 'https://app.infisical.com/api',
        auth: {
          universalAuthCredentials: {
            clientId: { namespace: 'external-secrets', name: 'infisical-shop-env0', key: 'clientId' },
            clientSecret: { namespace: 'external-secrets', name: 'infisical-shop-env0', key: 'clientSecret' },
          },
        },
        secretsScope: { projectSlug: 'shop', environmentSlug: 'env0', secretsPath: '/' },
      },
    });
  });

  test('writes an Infisical store on a self-hosted API and a folder when given', () => {
    const store = storeOf(
      SecretStoreProvider.infisical({
        ...INFISICAL,
        hostAPI: 'https://infisical.example.com/api',
        secretsPath: '/shop',
      }),
    );
    expect(store.spec.provider.infisical.hostAPI).toBe('https://infisical.example.com/api');
    expect(store.spec.provider.infisical.secretsScope).toEqual({
      projectSlug: 'shop',
      environmentSlug: 'env0',
      secretsPath: '/shop',
    });
  });

  test('writes an Azure Key Vault store authenticated with Workload Identity, which the CRD accepts', () => {
    const store = storeOf(
      SecretStoreProvider.azureKeyVault({
        vaultUrl: 'https://shop-env0.vault.azure.net',
        serviceAccount: SERVICE_ACCOUNT,
      }),
    );
    expect(store.spec.provider).toEqual({
      azurekv: {
        vaultUrl: 'https://shop-env0.vault.azure.net',
        authType: 'WorkloadIdentity',
        serviceAccountRef: { namespace: 'external-secrets', name: 'external-secrets' },
      },
    });
    // The check can fail: the CRD knows only its authentication types.
    const broken = {
      ...store,
      spec: { ...store.spec, provider: { azurekv: { ...store.spec.provider.azurekv, authType: 'Password' } } },
    };
    expect(schemaFindings(broken)).toEqual([
      'spec.provider.azurekv.authType must be one of "ServicePrincipal", "ManagedIdentity", "WorkloadIdentity", got "Password"',
    ]);
  });

  test('fails on an AWS region or service account that is not one', () => {
    expect(() =>
      SecretStoreProvider.awsSecretsManager({ region: 'Frankfurt', serviceAccount: SERVICE_ACCOUNT }),
    ).toThrow(
      '[SecretStoreProvider.awsSecretsManager] region must be an AWS region such as eu-central-1, got "Frankfurt"',
    );
    expect(() =>
      SecretStoreProvider.awsSecretsManager({
        region: 'eu-central-1',
        serviceAccount: { namespace: 'external-secrets', name: 'External_Secrets' },
      }),
    ).toThrow(
      '[SecretStoreProvider.awsSecretsManager] serviceAccount.name must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with an alphanumeric, at most 63 characters), got "External_Secrets"',
    );
    expect(() =>
      SecretStoreProvider.awsSecretsManager({
        region: 'eu-central-1',
        serviceAccount: SERVICE_ACCOUNT,
        roleArn: 'arn:aws:iam::123456789012:role/shop',
      } as never),
    ).toThrow(
      '[SecretStoreProvider.awsSecretsManager] unknown prop roleArn (AwsSecretsManagerOptions); allowed: region, serviceAccount',
    );
  });

  test('fails on Infisical settings that are no URL, no slug, no folder or no credential reference', () => {
    expect(() => SecretStoreProvider.infisical({ ...INFISICAL, hostAPI: 'app.infisical.com' })).toThrow(
      '[SecretStoreProvider.infisical] hostAPI must be an http(s) URL, got "app.infisical.com"',
    );
    expect(() => SecretStoreProvider.infisical({ ...INFISICAL, projectSlug: 'Shop Project' })).toThrow(
      '[SecretStoreProvider.infisical] projectSlug must be an Infisical slug (lowercase letters and digits joined by single \'-\', at most 64 characters), got "Shop Project"',
    );
    expect(() => SecretStoreProvider.infisical({ ...INFISICAL, environmentSlug: 'env--0' })).toThrow(
      '[SecretStoreProvider.infisical] environmentSlug must be an Infisical slug (lowercase letters and digits joined by single \'-\', at most 64 characters), got "env--0"',
    );
    expect(() => SecretStoreProvider.infisical({ ...INFISICAL, secretsPath: 'shop' })).toThrow(
      '[SecretStoreProvider.infisical] secretsPath must be a folder starting with \'/\', got "shop"',
    );
    expect(() =>
      SecretStoreProvider.infisical({ ...INFISICAL, clientSecret: { ...INFISICAL.clientSecret, namespace: 'Shop' } }),
    ).toThrow(
      '[SecretStoreProvider.infisical] clientSecret.namespace must be a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with an alphanumeric, at most 63 characters), got "Shop"',
    );
    expect(() =>
      SecretStoreProvider.infisical({
        ...INFISICAL,
        clientId: { namespace: 'external-secrets', name: 'infisical' },
      } as never),
    ).toThrow(
      "[SecretStoreProvider.infisical] clientId.key must be a Secret key (letters, digits, '-', '_' and '.'), got undefined",
    );
  });

  test('fails on an Azure Key Vault URL that is not https', () => {
    expect(() =>
      SecretStoreProvider.azureKeyVault({ vaultUrl: 'http://shop.vault.azure.net', serviceAccount: SERVICE_ACCOUNT }),
    ).toThrow(
      '[SecretStoreProvider.azureKeyVault] vaultUrl must be an https URL such as https://<vault-name>.vault.azure.net, got "http://shop.vault.azure.net"',
    );
  });
});
