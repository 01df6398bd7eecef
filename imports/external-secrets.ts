/** Typed props for the external-secrets.io/v1 ExternalSecret fields the platform uses. */
export interface ExternalSecretSpec {
  readonly refreshInterval: string;
  readonly secretStoreRef: { readonly name: string; readonly kind: 'SecretStore' | 'ClusterSecretStore' };
  readonly target: {
    readonly name: string;
    readonly creationPolicy?: 'Owner' | 'Orphan' | 'Merge' | 'None';
    readonly template?: { readonly type?: string };
  };
  readonly data: ReadonlyArray<{
    readonly secretKey: string;
    readonly remoteRef: { readonly key: string; readonly property?: string };
  }>;
}
