import Ajv2019, { ValidateFunction } from 'ajv/dist/2019';
import * as yaml from 'js-yaml';
import { K8sObject } from '../lib/kube/object';
import { DerivedPolarisData } from '../lib/gate/polaris-data';

/**
 * Polaris's own checks (its check YAML files and default severities), evaluated offline on
 * rendered objects. Follows Polaris's semantics: `target` (Container, PodSpec, PodTemplate,
 * Controller, `group/Kind`), `schemaTarget`, `controllers.include/exclude`,
 * `containers.exclude: [initContainer]`; `schema` and `schemaString` are both rendered as Go
 * templates against the object with `.Polaris.{PodSpec,PodTemplate,Container}` first.
 */

type Value = unknown;
type Data = Record<string, Value>;

/** One Polaris check file. */
export interface PolarisCheck {
  readonly id: string;
  readonly target: string;
  readonly schemaTarget?: string;
  readonly controllers?: { include?: string[]; exclude?: string[] };
  readonly containers?: { exclude?: string[] };
  /** The schema as a Go template (schema serialized, or schemaString). */
  readonly template: string;
  /**
   * Checks that compare against other objects (`additionalSchemas`) or have no schema (Polaris
   * implements them in Go), which this evaluator does not run.
   */
  readonly crossResource: boolean;
}

/** A failed check on one object. */
export interface PolarisFinding {
  readonly check: string;
  readonly severity: string;
  /** `Kind/name`. */
  readonly object: string;
  /** Container name for Container checks. */
  readonly container?: string;
}

/** The checks and default severities of the derived Polaris data (lib/gate/polaris-data.ts). */
export function loadPolaris(data: DerivedPolarisData): { checks: PolarisCheck[]; severities: Record<string, string> } {
  const checks = Object.keys(data.checks)
    .sort()
    .map((id) => {
      const raw = data.checks[id] as Data;
      const template =
        typeof raw.schemaString === 'string' ? raw.schemaString : yaml.dump(raw.schema, { lineWidth: -1 });
      return {
        id,
        target: String(raw.target),
        schemaTarget: raw.schemaTarget as string | undefined,
        controllers: raw.controllers as PolarisCheck['controllers'],
        containers: raw.containers as PolarisCheck['containers'],
        template,
        crossResource:
          raw.additionalSchemas !== undefined ||
          raw.additionalSchemaStrings !== undefined ||
          (raw.schema === undefined && raw.schemaString === undefined),
      };
    });
  return { checks, severities: { ...data.severities } };
}

// ---- Go template subset: {{ if/else/end }}, {{ range $k, $v := x }}, $v := / = , and/or/not/eq/ne/hasPrefix/print/index

type Node =
  | { t: 'text'; s: string }
  | { t: 'out'; e: string }
  | { t: 'set'; name: string; e: string }
  | { t: 'if'; e: string; then: Node[]; else: Node[] }
  | { t: 'range'; k?: string; v: string; e: string; body: Node[] };

function parseTemplate(src: string): Node[] {
  const parts: { text?: string; action?: string }[] = [];
  const re = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    parts.push({ text });
    parts.push({ action: m[2] });
    trimNext = m[3] === '-';
    last = re.lastIndex;
  }
  let tail = src.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  parts.push({ text: tail });
  let i = 0;
  const block = (): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (i < parts.length) {
      const p = parts[i++];
      if (p.text !== undefined) {
        nodes.push({ t: 'text', s: p.text });
        continue;
      }
      const a = p.action!;
      if (a.startsWith('/*')) continue;
      if (a === 'end' || a === 'else') return { nodes, end: a };
      let m: RegExpMatchArray | null;
      if ((m = a.match(/^if\s+([\s\S]+)$/))) {
        const then = block();
        const els = then.end === 'else' ? block().nodes : [];
        nodes.push({ t: 'if', e: m[1], then: then.nodes, else: els });
      } else if ((m = a.match(/^range\s+(?:(\$\w+)\s*,\s*)?(\$\w+)\s*:=\s*([\s\S]+)$/))) {
        nodes.push({ t: 'range', k: m[1], v: m[2], e: m[3], body: block().nodes });
      } else if ((m = a.match(/^(\$\w+)\s*:?=\s*([\s\S]+)$/))) {
        nodes.push({ t: 'set', name: m[1], e: m[2] });
      } else {
        nodes.push({ t: 'out', e: a });
      }
    }
    return { nodes, end: 'eof' };
  };
  const { nodes, end } = block();
  if (end !== 'eof') throw new Error(`Go template: unexpected {{ ${end} }}`);
  return nodes;
}

function tokenize(e: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\(|\)|[^\s()"]+)/g;
  for (let m = re.exec(e); m; m = re.exec(e)) out.push(m[1]);
  return out;
}

function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function lookup(v: Value, pathParts: string[]): Value {
  let cur = v;
  for (const p of pathParts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Data)[p];
  }
  return cur;
}

const FUNCS: Record<string, (...args: Value[]) => Value> = {
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  not: (a) => !truthy(a),
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  // The check files call it as (hasPrefix <string> <prefix>).
  hasPrefix: (s, prefix) => typeof s === 'string' && s.startsWith(String(prefix)),
  print: (...a) => a.map((x) => String(x)).join(''),
  index: (m, ...keys) => lookup(m, keys.map(String)),
};

function evaluate(expr: string, dot: Data, vars: Record<string, Value>): Value {
  const tokens = tokenize(expr);
  let i = 0;
  const operand = (): Value => {
    const t = tokens[i++];
    if (t === '(') {
      const v = command(')');
      i++;
      return v;
    }
    if (t.startsWith('"')) return JSON.parse(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (t === '.') return dot;
    if (t.startsWith('.')) return lookup(dot, t.slice(1).split('.'));
    if (t.startsWith('$')) {
      const [name, ...rest] = t.split('.');
      if (!(name in vars)) throw new Error(`Go template: undefined variable ${name} in ${expr}`);
      return lookup(vars[name], rest);
    }
    throw new Error(`Go template: unsupported operand ${t} in ${expr}`);
  };
  const command = (stop?: string): Value => {
    const head = tokens[i];
    if (head in FUNCS) {
      i++;
      const args: Value[] = [];
      while (i < tokens.length && tokens[i] !== stop) args.push(operand());
      return FUNCS[head](...args);
    }
    const v = operand();
    if (i < tokens.length && tokens[i] !== stop) throw new Error(`Go template: cannot call ${head} in ${expr}`);
    return v;
  };
  return command();
}

function renderNodes(nodes: Node[], dot: Data, vars: Record<string, Value>): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.s;
    else if (n.t === 'out') {
      const v = evaluate(n.e, dot, vars);
      out += v === undefined || v === null ? '<no value>' : String(v);
    } else if (n.t === 'set') vars[n.name] = evaluate(n.e, dot, vars);
    else if (n.t === 'if') out += renderNodes(truthy(evaluate(n.e, dot, vars)) ? n.then : n.else, dot, vars);
    else {
      const coll = evaluate(n.e, dot, vars);
      const entries = Array.isArray(coll)
        ? coll.map((v, k) => [k, v] as const)
        : coll && typeof coll === 'object'
          ? Object.entries(coll as Data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          : [];
      for (const [k, v] of entries) {
        if (n.k) vars[n.k] = k;
        vars[n.v] = v;
        out += renderNodes(n.body, dot, vars);
      }
    }
  }
  return out;
}

/** Renders `template` (the Go template subset the check files use) against `dot`. */
export function renderGoTemplate(template: string, dot: Data): string {
  return renderNodes(parseTemplate(template), dot, {});
}

// ---- evaluation

const ajv = new Ajv2019({
  strict: false,
  validateFormats: false,
  allErrors: false,
  // Go's RE2 inline flags: (?i) becomes the JavaScript i flag.
  code: {
    regExp: ((pattern: string, flags: string) =>
      pattern.startsWith('(?i)')
        ? new RegExp(pattern.slice(4), flags + 'i')
        : pattern.startsWith('^(?i)')
          ? new RegExp('^' + pattern.slice(5), flags + 'i')
          : new RegExp(pattern, flags)) as never,
  },
});

/** A `required:` a template branch left with no items constrains nothing: drop it (`const: null` stays). */
function withoutNulls(v: Value): Value {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v as Data)
      .filter(([k, x]) => !(k === 'required' && x === null))
      .map(([k, x]) => [k, withoutNulls(x)]),
  );
}

const compiled = new Map<string, ValidateFunction>();

function passes(check: PolarisCheck, dot: Data, instance: Value): boolean {
  const text = renderGoTemplate(check.template, dot);
  let validator = compiled.get(text);
  if (!validator) {
    const schema = withoutNulls(yaml.load(text)) as Data;
    if (!schema || typeof schema !== 'object') {
      throw new Error(`Polaris check ${check.id} rendered to no schema: ${JSON.stringify(text)}`);
    }
    delete schema.$schema;
    validator = ajv.compile(schema);
    compiled.set(text, validator);
  }
  return validator(instance) as boolean;
}

/** The pod template of a controller: the first object under `spec` (breadth first) whose `spec.containers` is a list. */
function podTemplateOf(o: K8sObject): Data | undefined {
  const queue: Value[] = [(o as unknown as Data).spec];
  while (queue.length > 0) {
    const v = queue.shift();
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    const d = v as Data;
    if (d.spec && typeof d.spec === 'object' && Array.isArray((d.spec as Data).containers)) return d;
    queue.push(...Object.values(d));
  }
  return undefined;
}

function kindMatches(target: string, o: K8sObject): boolean {
  const [group, kind] = target.includes('/') ? target.split('/') : ['', target];
  const objectGroup = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return o.kind === kind && objectGroup === group;
}

/** Every danger or warning finding of Polaris's checks on `objects` (cross-resource checks excepted). */
export function evaluatePolaris(
  objects: readonly K8sObject[],
  checks: readonly PolarisCheck[],
  severities: Readonly<Record<string, string>>,
): PolarisFinding[] {
  const findings: PolarisFinding[] = [];
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    const data = o as unknown as Data;
    const template = o.kind === 'Pod' ? data : podTemplateOf(o);
    for (const check of checks) {
      const severity = severities[check.id];
      if (check.crossResource || (severity !== 'danger' && severity !== 'warning')) continue;
      const fail = (container?: string) => findings.push({ check: check.id, severity, object: id, container });
      if (['Container', 'PodSpec', 'PodTemplate', 'Controller'].includes(check.target)) {
        if (!template) continue;
        if (check.controllers?.include && !check.controllers.include.includes(o.kind)) continue;
        if (check.controllers?.exclude?.includes(o.kind)) continue;
        const podSpec = template.spec as Data;
        const polaris = { PodSpec: podSpec, PodTemplate: template, Container: undefined as Value };
        const dot = { ...data, Polaris: polaris };
        if (check.target === 'Controller') {
          if (!passes(check, dot, data)) fail();
        } else if (check.target === 'PodSpec') {
          if (!passes(check, dot, podSpec)) fail();
        } else if (check.target === 'PodTemplate') {
          if (!passes(check, dot, template)) fail();
        } else {
          const init = ((podSpec.initContainers as Data[]) ?? []).map((c) => [c, true] as const);
          const main = ((podSpec.containers as Data[]) ?? []).map((c) => [c, false] as const);
          for (const [c, isInit] of [...main, ...init]) {
            if (isInit && check.containers?.exclude?.includes('initContainer')) continue;
            const cdot = { ...data, Polaris: { ...polaris, Container: c } };
            const instance = check.schemaTarget === 'PodSpec' ? { ...podSpec, initContainers: [], containers: [c] } : c;
            if (!passes(check, cdot, instance)) fail(String(c.name));
          }
        }
      } else if (kindMatches(check.target, o)) {
        if (!passes(check, data, data)) fail();
      }
    }
  }
  return findings;
}

/** The gate check that covers each Polaris check. */
export const GATE_CHECK_OF: Readonly<Record<string, readonly string[]>> = {
  deploymentMissingReplicas: ['replicas'],
  priorityClassNotSet: ['priority-class'],
  tagNotSpecified: ['latest-tag', 'image-pin'],
  pullPolicyNotAlways: ['pull-policy'],
  readinessProbeMissing: ['readiness-probe'],
  livenessProbeMissing: ['liveness-probe'],
  metadataAndInstanceMismatched: ['instance-label'],
  pdbDisruptionsIsZero: ['pdb-blocks-drain'],
  missingPodDisruptionBudget: ['pdb-required'],
  topologySpreadConstraint: ['topology-spread', 'spread-replicas'],
  hpaMaxAvailability: ['hpa-min-max'],
  hpaMinAvailability: ['hpa-min-replicas'],
  pdbMinAvailableGreaterThanHPAMinReplicas: ['pdb-blocks-drain'],
  cpuRequestsMissing: ['resources'],
  cpuLimitsMissing: ['resources'],
  memoryRequestsMissing: ['resources'],
  memoryLimitsMissing: ['resources'],
  automountServiceAccountToken: ['automount-token'],
  hostIPCSet: ['host-namespace'],
  hostPathSet: ['host-path'],
  hostProcess: ['host-process'],
  hostPIDSet: ['host-namespace'],
  linuxHardening: ['capabilities'],
  missingNetworkPolicy: ['network-policy-required'],
  notReadOnlyRootFilesystem: ['read-only-root-fs'],
  privilegeEscalationAllowed: ['privilege-escalation'],
  procMount: ['proc-mount'],
  runAsRootAllowed: ['run-as-non-root'],
  runAsPrivileged: ['privileged'],
  dangerousCapabilities: ['capabilities'],
  insecureCapabilities: ['capabilities'],
  hostNetworkSet: ['host-namespace'],
  hostPortSet: ['host-port'],
  tlsSettingsMissing: ['ingress-tls'],
  sensitiveContainerEnvVar: ['plain-secret-env'],
  sensitiveConfigmapContent: ['plain-secret-env'],
  clusterrolePodExecAttach: ['rbac-pod-exec'],
  rolePodExecAttach: ['rbac-pod-exec'],
  clusterrolebindingPodExecAttach: ['rbac-pod-exec'],
  rolebindingClusterRolePodExecAttach: ['rbac-pod-exec'],
  rolebindingRolePodExecAttach: ['rbac-pod-exec'],
  clusterrolebindingClusterAdmin: ['rbac-cluster-admin'],
  rolebindingClusterAdminClusterRole: ['rbac-cluster-admin'],
  rolebindingClusterAdminRole: ['rbac-cluster-admin', 'rbac-wildcard'],
};
