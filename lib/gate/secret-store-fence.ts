import { K8sObject } from '../kube/object';
import { RawFinding } from './findings';

/**
 * Environment check: every ExternalSecret reads a store fenced to its own namespace. A
 * namespaced SecretStore is fenced by being one. A ClusterSecretStore the output defines must
 * admit only that namespace (the operator serves a namespace any one of `spec.conditions`
 * matches, and every namespace when there are none): each condition names it alone in
 * `namespaces`, with no `namespaceSelector` or `namespaceRegexes`. A ClusterSecretStore the
 * output does not define is managed elsewhere and cannot be seen fenced: a finding of its own.
 */
export function checkSecretStoreFence(objects: readonly K8sObject[]): RawFinding[] {
  const stores = new Map(
    objects.filter((o) => o.kind === 'ClusterSecretStore').map((o) => [o.metadata.name, o] as const),
  );
  const findings: RawFinding[] = [];
  const reported = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'ExternalSecret') continue;
    const ref = ((o.spec ?? {}) as Record<string, any>).secretStoreRef ?? {};
    if ((ref.kind ?? 'SecretStore') !== 'ClusterSecretStore' || typeof ref.name !== 'string') continue;
    const namespace = o.metadata.namespace ?? '';
    const store = stores.get(ref.name);
    if (store === undefined) {
      findings.push({
        object: o,
        check: 'secret-store-external',
        message: `reads ClusterSecretStore ${ref.name}, which this environment does not define, so nothing shows it admits only namespace ${namespace}; allowed: a provider on SecretSource.externalSecrets (synth writes the store fenced by spec.conditions) or storeKind SecretStore`,
      });
      continue;
    }
    const key = `${ref.name}|${namespace}`;
    if (reported.has(key)) continue;
    const conditions = (((store.spec ?? {}) as Record<string, any>).conditions ?? []) as Record<string, any>[];
    const admitsOthers =
      conditions.length === 0 ||
      conditions.some(
        (c) =>
          c.namespaceSelector !== undefined ||
          (c.namespaceRegexes ?? []).length > 0 ||
          !Array.isArray(c.namespaces) ||
          c.namespaces.length === 0 ||
          c.namespaces.some((n: unknown) => n !== namespace),
      );
    if (admitsOthers) {
      reported.add(key);
      findings.push({
        object: store,
        check: 'secret-store-fenced',
        message: `spec.conditions ${JSON.stringify(conditions)} admit namespaces other than ${namespace}, whose ExternalSecret ${o.metadata.name} reads this store; allowed: conditions naming only ${namespace} in namespaces`,
      });
    }
  }
  return findings;
}
