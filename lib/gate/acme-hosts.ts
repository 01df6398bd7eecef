import { K8sObject } from '../kube/object';
import { RawFinding } from './findings';

/** Suffixes no public CA can issue a certificate for (RFC 2606, RFC 6761, RFC 6762, ICANN's .internal). */
const PRIVATE_SUFFIXES = ['local', 'internal', 'test', 'example', 'invalid', 'localhost'];

/** Whether a public ACME CA can issue for `host` (a wildcard counts as its base name). */
export function publiclyIssuable(host: string): boolean {
  const name = host.toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
  const tld = name.split('.').pop() ?? '';
  return name.includes('.') && !PRIVATE_SUFFIXES.includes(tld) && !/^[0-9.]+$/.test(name);
}

/**
 * Environment check: a Certificate issued by an ACME Issuer or ClusterIssuer names only hosts
 * a public CA can issue for; a `.local` or `.internal` name would leave the order pending
 * forever and the Ingress without its certificate.
 */
export function checkAcmeHosts(objects: readonly K8sObject[]): RawFinding[] {
  const acme = new Set(
    objects
      .filter((o) => (o.kind === 'Issuer' || o.kind === 'ClusterIssuer') && (o.spec as any)?.acme !== undefined)
      .map((o) => `${o.kind}/${o.metadata.name}`),
  );
  const findings: RawFinding[] = [];
  for (const o of objects) {
    if (o.kind !== 'Certificate') continue;
    const spec = (o.spec ?? {}) as Record<string, any>;
    const issuer = `${spec.issuerRef?.kind ?? 'Issuer'}/${spec.issuerRef?.name}`;
    if (!acme.has(issuer)) continue;
    const hosts = [...(spec.dnsNames ?? []), ...(spec.commonName ? [spec.commonName] : [])] as string[];
    for (const host of [...new Set(hosts)].filter((h) => !publiclyIssuable(h))) {
      findings.push({
        object: o,
        check: 'acme-host',
        message: `host ${host} is under a private suffix no public CA issues, but ${issuer} is an ACME issuer; use a public name or a private CA (Tls.privateCa)`,
      });
    }
  }
  return findings;
}
