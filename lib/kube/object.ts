import { CORE_SCHEMA, loadAll } from 'js-yaml';

/** A rendered Kubernetes object. */
export interface K8sObject {
  /** API group and version. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** Metadata (name, namespace, labels, annotations). */
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  /** Everything else. */
  readonly [field: string]: unknown;
}

/** What makes an object one object for Kustomize and the API server: group/version, kind, namespace, name. */
export function objectIdentity(o: K8sObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/**
 * Parses multi-document YAML as kubectl prints it, with YAML 1.2's core schema (no timestamps or
 * merge keys: what the API server sees). js-yaml parses a rendered environment ~5x faster than
 * the `yaml` library, which the rest of the repo keeps for writing and for edits that preserve
 * comments.
 */
export function parseManifests(yamlText: string, source: string): K8sObject[] {
  let docs: unknown[];
  try {
    docs = loadAll(yamlText, undefined, { schema: CORE_SCHEMA });
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message.split('\n')[0]}`);
  }
  return docs.filter((d): d is K8sObject => d !== null && d !== undefined);
}
