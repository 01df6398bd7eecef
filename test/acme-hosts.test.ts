import { checkAcmeHosts, publiclyIssuable } from '../lib/gate/acme-hosts';
import { K8sObject } from '../lib/kube/object';
import { Tls } from '../lib';

const issuer = (name: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Issuer',
  metadata: { name },
  spec,
});
const certificate = (issuerName: string, dnsNames: string[]): K8sObject => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'shop-tls' },
  spec: { secretName: 'shop-tls', dnsNames, issuerRef: { name: issuerName, kind: 'Issuer', group: 'cert-manager.io' } },
});
const acme = issuer('shop-acme', { acme: { server: 'https://acme-v02.api.letsencrypt.org/directory' } });

describe('ACME only for names a public CA can issue', () => {
  test.each([
    ['shop.example.com', true],
    ['*.api.shop.io', true],
    ['staging.shop.local', false],
    ['db.corp.internal', false],
    ['app.test', false],
    ['www.example', false],
    ['x.invalid', false],
    ['localhost', false],
    ['dev.localhost', false],
    ['10.0.0.1', false],
  ])('%s is publicly issuable: %s', (host, expected) => {
    expect(publiclyIssuable(host)).toBe(expected);
  });

  test('fails when an ACME Certificate names a .local or .internal host', () => {
    expect(
      checkAcmeHosts([
        acme,
        certificate('shop-acme', ['shop.example.com', 'staging.shop.local', 'api.shop.internal']),
      ]).map((f) => [f.check, f.message]),
    ).toEqual([
      [
        'acme-host',
        'host staging.shop.local is under a private suffix no public CA issues, but Issuer/shop-acme is an ACME issuer; use a public name or a private CA (Tls.privateCa)',
      ],
      [
        'acme-host',
        'host api.shop.internal is under a private suffix no public CA issues, but Issuer/shop-acme is an ACME issuer; use a public name or a private CA (Tls.privateCa)',
      ],
    ]);
  });

  test('a private CA or self-signed issuer may sign .local hosts', () => {
    const [ca, cert] = Tls.privateCa('shop-staging-ca').certManagerObjects(
      'shop',
      ['staging.shop.local'],
      {},
    ) as K8sObject[];
    expect(ca.spec).toEqual({ ca: { secretName: 'shop-staging-ca' } });
    expect(checkAcmeHosts([ca, cert])).toEqual([]);
    expect(
      checkAcmeHosts([issuer('shop-selfsigned', { selfSigned: {} }), certificate('shop-selfsigned', ['a.local'])]),
    ).toEqual([]);
    expect(Tls.privateCa('shop-staging-ca').describe()).toBe(
      'Private CA (cert-manager CA Issuer, key pair in Secret shop-staging-ca): the hosts are under a private suffix, which no public ACME CA issues',
    );
  });
});
