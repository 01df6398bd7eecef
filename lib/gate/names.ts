import { RawFinding } from './findings';
import { K8sObject } from '../kube/object';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(['Service', 'Namespace']);

/** DNS-1123 names and label syntax of one object. */
export function checkNames(object: K8sObject): RawFinding[] {
  const findings: RawFinding[] = [];
  const name = object.metadata?.name ?? '';
  const label = LABEL_NAMED.has(object.kind);
  const valid = label ? name.length <= 63 && DNS_LABEL.test(name) : name.length <= 253 && DNS_SUBDOMAIN.test(name);
  if (!valid) {
    findings.push({
      object,
      check: 'dns-name',
      message: `metadata.name ${JSON.stringify(name)} must be a DNS-1123 ${label ? 'label' : 'subdomain'} (lowercase alphanumerics, '-'${label ? '' : " and '.'"}, at most ${label ? 63 : 253} characters)`,
    });
  }
  const labelSets: [string, Record<string, string> | undefined][] = [['metadata.labels', object.metadata?.labels]];
  const template = (object.spec as Record<string, any> | undefined)?.template;
  if (object.kind === 'ApplicationSet') labelSets.push(...applicationSetLabels(object));
  else if (template?.metadata?.labels) labelSets.push(['spec.template.metadata.labels', template.metadata.labels]);
  for (const [where, labels] of labelSets) {
    for (const [key, value] of Object.entries(labels ?? {})) {
      const problem = labelKeyProblem(key) ?? labelValueProblem(value);
      if (problem)
        findings.push({ object, check: 'label-syntax', message: `${where}[${JSON.stringify(key)}]: ${problem}` });
    }
  }
  return findings;
}

/**
 * An ApplicationSet's template labels are Go templates: each list element's Application is
 * checked with the element's values filled in (`{{ .cluster }}` -> `prod-eu`).
 */
function applicationSetLabels(object: K8sObject): [string, Record<string, string>][] {
  const spec = object.spec as Record<string, any> | undefined;
  const labels: Record<string, string> = spec?.template?.metadata?.labels ?? {};
  const elements: Record<string, unknown>[] = (spec?.generators ?? []).flatMap(
    (g: Record<string, any>) => g.list?.elements ?? [],
  );
  return elements.map((element, i) => [
    `spec.generators.list.elements[${i}] -> spec.template.metadata.labels`,
    Object.fromEntries(
      Object.entries(labels).map(([k, v]) => [
        k,
        String(v).replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, key: string) => String(element[key] ?? '')),
      ]),
    ),
  ]);
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `key prefix ${JSON.stringify(prefix)} must be a DNS-1123 subdomain`;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return `key name ${JSON.stringify(name)} must be at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `value must be a string, got ${JSON.stringify(value)}`;
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return `value ${JSON.stringify(value)} must be empty or at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** Objects that share kind/namespace/name. */
export function checkDuplicates(objects: readonly K8sObject[]): RawFinding[] {
  const seen = new Set<string>();
  const findings: RawFinding[] = [];
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const key = `${group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(key)) {
      findings.push({
        object: o,
        check: 'duplicate-object',
        message: `${o.kind} ${o.metadata.namespace ?? '(cluster)'}/${o.metadata.name} is defined more than once`,
      });
    }
    seen.add(key);
  }
  return findings;
}
