import * as path from 'path';
import { checkSecretStoreFence } from '../lib/gate/secret-store-fence';
import { validate } from '../lib/gate/gate';
import { kustomizeSync } from '../lib/kube/kubectl';
import { K8sObject } from '../lib/kube/object';
import { synthFixture, tempDir } from './support';

const repo = path.resolve(__dirname, '..');
const externalSecret = (name: string, namespace: string, store: string, kind = 'ClusterSecretStore'): K8sObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name, namespace },
  spec: { secretStoreRef: { name: store, kind }, target: { name } },
});
const store = (name: string, conditions?: object[]): K8sObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ClusterSecretStore',
  metadata: { name },
  spec: { ...(conditions ? { conditions } : {}), provider: { vault: { server: 'http://vault.vault.svc:8200' } } },
});
const findings = (objects: K8sObject[]) =>
  checkSecretStoreFence(objects).map((f) => [f.check, `${f.object?.kind}/${f.object?.metadata.name}`, f.message]);

describe('ExternalSecrets read a store fenced to their namespace (secret-store-fenced, secret-store-external)', () => {
  test('Craftista prod: every ExternalSecret reads craftista-vault, which admits only craftista-prod', () => {
    const objects = kustomizeSync(path.join(repo, 'overlays', 'prod'));
    const reads = objects.filter((o) => o.kind === 'ExternalSecret').map((o) => (o.spec as any).secretStoreRef);
    expect(reads.length).toBeGreaterThan(2);
    expect(new Set(reads.map((r) => `${r.kind}/${r.name}`))).toEqual(new Set(['ClusterSecretStore/craftista-vault']));
    expect(findings(objects)).toEqual([]);
  });

  test('a store with no conditions, a selector, a regex or another namespace admits others: one error per store and namespace', () => {
    const reads = [externalSecret('db', 'shop-prod', 'open'), externalSecret('api', 'shop-prod', 'open')];
    expect(findings([store('open'), ...reads])).toEqual([
      [
        'secret-store-fenced',
        'ClusterSecretStore/open',
        'spec.conditions [] admit namespaces other than shop-prod, whose ExternalSecret db reads this store; allowed: conditions naming only shop-prod in namespaces',
      ],
    ]);
    for (const conditions of [
      [{ namespaceSelector: { matchLabels: { team: 'shop' } } }],
      [{ namespaceRegexes: ['shop-.*'] }],
      [{ namespaces: ['shop-prod', 'shop-dev'] }],
      [{ namespaces: ['shop-prod'] }, { namespaces: ['shop-dev'] }],
    ]) {
      expect(findings([store('s', conditions), externalSecret('db', 'shop-prod', 's')]).map((f) => f[0])).toEqual([
        'secret-store-fenced',
      ]);
    }
    expect(findings([store('s', [{ namespaces: ['shop-prod'] }]), externalSecret('db', 'shop-prod', 's')])).toEqual([]);
  });

  test('a namespaced SecretStore is fenced by being one; a ClusterSecretStore the output lacks cannot be seen fenced', () => {
    expect(findings([externalSecret('db', 'shop-prod', 'local', 'SecretStore')])).toEqual([]);
    expect(findings([externalSecret('db', 'shop-prod', 'vault')])).toEqual([
      [
        'secret-store-external',
        'ExternalSecret/db',
        'reads ClusterSecretStore vault, which this environment does not define, so nothing shows it admits only namespace shop-prod; allowed: a provider on SecretSource.externalSecrets (synth writes the store fenced by spec.conditions) or storeKind SecretStore',
      ],
    ]);
  });

  test('the gate reports a store managed elsewhere as a warning in each unit that reads it (the fleet fixture, no provider)', async () => {
    const app = synthFixture(tempDir(), 'fleet');
    const result = await validate({ rootDir: app.options.rootDir, platform: app.platform, cacheDir: false });
    const external = result.findings.filter((f) => f.check === 'secret-store-external');
    expect([...new Set(external.map((f) => `${f.overlay} ${f.severity}`))].sort()).toEqual([
      'overlays/prod warning',
      'overlays/prod/clusters/prod-eu warning',
      'overlays/prod/clusters/prod-us warning',
    ]);
    expect(result.findings.filter((f) => f.check === 'secret-store-fenced')).toEqual([]);
  });
});
