import { targetApiVersion } from './operator-releases';
import * as cm from '../../imports/cert-manager';
import { checkProps, shape } from '../core/props-shape';

/** Options of `Tls.acme()`. */
export interface AcmeOptions {
  /** ACME directory URL (e.g. Let's Encrypt staging). */
  readonly server: string;
  /** Account e-mail for expiry notices. */
  readonly email: string;
  /**
   * Ingress class the HTTP-01 solver uses.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
}

/** The Let's Encrypt staging ACME directory (untrusted certificates, generous rate limits). */
export const LETS_ENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';
/** The Let's Encrypt production ACME directory. */
export const LETS_ENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';

/** How an environment's ingress gets its TLS certificate. */
export class Tls {
  /** A self-signed certificate from a namespaced cert-manager Issuer (local and dev clusters). */
  public static selfSigned(): Tls {
    return new Tls('self-signed', undefined, undefined, undefined);
  }

  /** A certificate from an ACME CA (Let's Encrypt) through a namespaced cert-manager Issuer. */
  public static acme(options: AcmeOptions): Tls {
    checkProps('Tls.acme', options, ACME_SHAPE);
    return new Tls('acme', { ...options, ingressClassName: options.ingressClassName ?? 'nginx' }, undefined, undefined);
  }

  /**
   * A certificate from the organisation's private CA, through a namespaced cert-manager CA
   * Issuer whose key pair is the `kubernetes.io/tls` Secret `caSecretName` (created out of
   * band, like every secret). For hosts under a private suffix (`.local`, `.internal`), which
   * no public ACME CA can issue; clients trust the CA, not a public root.
   */
  public static privateCa(caSecretName: string): Tls {
    return new Tls('private-ca', undefined, undefined, caSecretName);
  }

  /** A certificate bought elsewhere, in an existing `kubernetes.io/tls` Secret named `secretName`. */
  public static existingSecret(secretName: string): Tls {
    return new Tls('existing-secret', undefined, secretName, undefined);
  }

  private constructor(
    /** What kind of source this is. */
    public readonly kind: 'self-signed' | 'acme' | 'existing-secret' | 'private-ca',
    /** ACME settings. */
    public readonly acmeOptions: Required<AcmeOptions> | undefined,
    /** Name of the existing certificate Secret. */
    public readonly existingSecretName: string | undefined,
    /** Name of the private CA's key pair Secret. */
    public readonly caSecretName: string | undefined,
  ) {}

  /** Human form for documentation. */
  public describe(): string {
    if (this.kind === 'self-signed') return 'Self-signed (cert-manager)';
    if (this.kind === 'private-ca')
      return `Private CA (cert-manager CA Issuer, key pair in Secret ${this.caSecretName}): the hosts are under a private suffix, which no public ACME CA issues`;
    if (this.kind === 'acme') {
      const ca =
        this.acmeOptions!.server === LETS_ENCRYPT_STAGING ? "Let's Encrypt (staging)" : this.acmeOptions!.server;
      return `${ca} via cert-manager`;
    }
    return `Commercial certificate (Secret ${this.existingSecretName})`;
  }

  /** Name of the Secret holding the certificate the Ingress serves. */
  public secretName(platform: string): string {
    return this.existingSecretName ?? `${platform}-tls`;
  }

  /** The cert-manager objects this source needs (Issuer and Certificate), if any. */
  public certManagerObjects(platform: string, hosts: readonly string[], labels: Record<string, string>): object[] {
    if (this.kind === 'existing-secret') return [];
    const issuerName = `${platform}-${{ acme: 'acme', 'private-ca': 'private-ca', 'self-signed': 'selfsigned' }[this.kind]}`;
    const issuer: cm.IssuerSpec =
      this.kind === 'acme'
        ? {
            acme: {
              server: this.acmeOptions!.server,
              email: this.acmeOptions!.email,
              privateKeySecretRef: { name: `${issuerName}-account-key` },
              solvers: [{ http01: { ingress: { ingressClassName: this.acmeOptions!.ingressClassName } } }],
            },
          }
        : this.kind === 'private-ca'
          ? { ca: { secretName: this.caSecretName! } }
          : { selfSigned: {} };
    const certificate: cm.CertificateSpec = {
      secretName: this.secretName(platform),
      dnsNames: [...hosts],
      issuerRef: { name: issuerName, kind: 'Issuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    };
    return [
      {
        apiVersion: targetApiVersion('cert-manager.io', 'Issuer'),
        kind: 'Issuer',
        metadata: { name: issuerName, labels },
        spec: issuer,
      },
      {
        apiVersion: targetApiVersion('cert-manager.io', 'Certificate'),
        kind: 'Certificate',
        metadata: { name: `${platform}-tls`, labels },
        spec: certificate,
      },
    ];
  }
}

/** The keys of `AcmeOptions`, checked at run time. */
export const ACME_SHAPE = shape<AcmeOptions>('AcmeOptions', {
  server: 'string',
  email: 'string',
  ingressClassName: 'string',
});
