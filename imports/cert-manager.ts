/** Typed props for the cert-manager.io/v1 fields the platform uses (cert-manager 1.x CRDs). */
export interface IssuerSpec {
  /** A self-signed issuer. */
  readonly selfSigned?: Record<string, never>;
  /** An ACME issuer (Let's Encrypt). */
  readonly acme?: {
    readonly server: string;
    readonly email: string;
    readonly privateKeySecretRef: { readonly name: string };
    readonly solvers: ReadonlyArray<{ readonly http01: { readonly ingress: { readonly ingressClassName: string } } }>;
  };
  /** A CA issuer signing with the key pair in a `kubernetes.io/tls` Secret. */
  readonly ca?: { readonly secretName: string };
}

/** cert-manager Certificate spec. */
export interface CertificateSpec {
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  readonly issuerRef: { readonly name: string; readonly kind: 'Issuer' | 'ClusterIssuer'; readonly group?: string };
  readonly duration?: string;
  readonly renewBefore?: string;
  readonly privateKey?: {
    readonly algorithm?: 'RSA' | 'ECDSA' | 'Ed25519';
    readonly size?: number;
    readonly rotationPolicy?: 'Never' | 'Always';
  };
}
