import * as path from 'path';
import { toYaml, toYamlAll } from '../core/yaml';
import { describeBackup } from '../model/backup';
import { Generator } from './generator';
import { kustomization } from './kustomization';
import { PlatformView } from './platform-view';
import { Datastore } from '../constructs/datastores/datastore';
import { DocSection } from './doc-section';
import { Environment } from '../model/environment';
import { accessUrls, ingressObjects } from './ingress';
import { Microservice } from '../constructs/microservice';
import { footprint, limitRangeObject, namespaceObject, resourceQuotaObject } from './namespace';
import { networkPolicies } from './network-policies';
import { EgressClient, egressClients } from './egress-clients';
import { observabilityObjects } from './observability';
import { SharedConfig } from '../constructs/shared-config';
import { ClusterComponents } from '../model/cluster-components';
import { NetworkPolicyMode } from '../model/network-policy-mode';
import { NamespaceBundle } from '../constructs/namespace-bundle';

/** Argo CD sync-wave annotation. */
const WAVE = 'argocd.argoproj.io/sync-wave';

/** Inputs of an environment's shared objects. */
export interface SharedObjectsOptions {
  /** Platform name. */
  readonly platform: string;
  /** The environment. */
  readonly env: Environment;
  /** Every service. */
  readonly services: readonly Microservice[];
  /** Every datastore. */
  readonly datastores: readonly Datastore[];
  /** Ingress class of the platform's Ingress objects. */
  readonly ingressClassName: string;
  /** Namespaces of the cluster's shared components. */
  readonly cluster: ClusterComponents;
  /**
   * The platform's shared ConfigMap and Secret reference.
   * @default - none
   */
  readonly sharedConfig?: SharedConfig;
  /**
   * Namespace bundles, whose Jobs may reach into the environment's namespace.
   * @default []
   */
  readonly bundles?: readonly NamespaceBundle[];
}

/** A Secret the environment needs, with where it comes from. */
export interface RequiredSecret {
  /** Secret name. */
  readonly name: string;
  /** Keys it must hold. */
  readonly keys: readonly string[];
  /** Secret type, when not Opaque. */
  readonly type?: string;
}

/** Every Secret referenced in `env` that no rendered object produces by itself. */
function requiredSecrets(options: SharedObjectsOptions): RequiredSecret[] {
  const { env, datastores, platform } = options;
  const secrets: RequiredSecret[] = datastores.flatMap((d) => d.secretsFor(env));
  // Secrets the services read keys from, one entry per Secret with every key any service reads.
  const keys = new Map<string, Set<string>>();
  for (const service of options.services) {
    for (const ref of Object.values(service.secretVariables))
      keys.set(ref.secret, (keys.get(ref.secret) ?? new Set()).add(ref.key));
  }
  const shared = sharedConfigIn(options);
  if (shared?.secret) {
    for (const key of shared.secret.keys)
      keys.set(shared.secret.name, (keys.get(shared.secret.name) ?? new Set()).add(key));
  }
  for (const [name, k] of [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    secrets.push({ name, keys: [...k].sort() });
  if (env.tls?.kind === 'existing-secret') {
    secrets.push({ name: env.tls.secretName(platform), keys: ['tls.crt', 'tls.key'], type: 'kubernetes.io/tls' });
  }
  if (env.tls?.kind === 'private-ca') {
    // The CA's key pair is the organisation's, never generated here.
    secrets.push({ name: env.tls.caSecretName!, keys: ['tls.crt', 'tls.key'], type: 'kubernetes.io/tls' });
  }
  return secrets;
}

/** The files of `overlays/<env>/shared/` (besides kustomization.yaml), each a list of objects. */
function sharedObjects(options: SharedObjectsOptions): Record<string, object[]> {
  const { env, platform } = options;
  const labels = { 'app.kubernetes.io/part-of': platform, 'app.kubernetes.io/managed-by': 'stagecraft' };
  const wave = <T extends object>(o: T, value: string): T => {
    const metadata = (o as { metadata: Record<string, unknown> }).metadata;
    metadata.annotations = { ...(metadata.annotations as object), [WAVE]: value };
    return o;
  };
  const f = footprint(env, options.services, options.datastores);
  const files: Record<string, object[]> = {
    'namespace.yaml': [wave(namespaceObject(env.namespace, env.podSecurity, labels), '-2')],
    'resourcequota.yaml': [wave(resourceQuotaObject(f, labels), '-1')],
    'limitrange.yaml': [wave(limitRangeObject(env, f, labels), '-1')],
    'network-policies.yaml': networkPolicies(
      env,
      options.services,
      options.datastores,
      options.cluster,
      labels,
      options.bundles ?? [],
    ).map((p) => wave(p, '-1')),
  };
  const shared = sharedConfigIn(options);
  if (shared) files[`configmap-${shared.name}.yaml`] = [wave(shared.configMap(env, labels), '-1')];
  const ingresses = ingressObjects(platform, env, options.services, options.ingressClassName, labels);
  if (ingresses.length > 0) files['ingress.yaml'] = ingresses.map((i) => wave(i, '1'));
  const hosts = [...new Set(accessUrls(env, options.services).map((u) => u.host))];
  const tls = env.tls?.certManagerObjects(platform, hosts, labels) ?? [];
  if (tls.length > 0) files['certificates.yaml'] = tls.map((o) => wave(o, '-1'));
  Object.assign(files, observabilityObjects(options, labels));
  const external = requiredSecrets(options)
    .map((s) => env.secrets.externalSecret(s.name, s.keys, labels, s.type))
    .filter((o): o is object => o !== undefined);
  if (external.length > 0) files['external-secrets.yaml'] = external.map((o) => wave(o, '-1'));
  return files;
}

/** What the shared objects read of a platform: its view, or the `Platform` construct itself. */
export type SharedObjectsSource = Pick<
  PlatformView,
  'name' | 'services' | 'datastores' | 'ingressClassName' | 'cluster' | 'sharedConfig' | 'bundles'
>;

/** The inputs of `env`'s shared objects (no services where the environment runs only datastores). */
function sharedObjectsOptions(source: SharedObjectsSource, env: Environment): SharedObjectsOptions {
  return {
    platform: source.name,
    env,
    services: env.runServices ? source.services.filter((s) => s.runsIn(env)) : [],
    datastores: source.datastores,
    ingressClassName: source.ingressClassName,
    cluster: source.cluster,
    sharedConfig: source.sharedConfig,
    bundles: source.bundles,
  };
}

/** Secrets `env` references that must exist before the first sync (none is ever generated with data). */
export function platformSecrets(source: SharedObjectsSource, env: Environment): RequiredSecret[] {
  return requiredSecrets(sharedObjectsOptions(source, env));
}

/** The pods of `env` that open connections and where to, as its egress network policies allow them. */
export function platformEgress(source: SharedObjectsSource, env: Environment): EgressClient[] {
  const options = sharedObjectsOptions(source, env);
  return egressClients(env, options.services, options.datastores, options.cluster);
}

/** Secrets of `env` created out of band (none where the environment's secret source syncs them). */
export function manualSecrets(source: SharedObjectsSource, env: Environment): string[] {
  return env.secrets.external ? [] : platformSecrets(source, env).map((s) => s.name);
}

/**
 * `overlays/<env>/shared/` (and each cluster's `shared/`): namespace, quota, limits, network
 * policies, ingress, TLS, secrets, rules, tracing, datastores.
 */
export const sharedOverlays: Generator = (view, files) => {
  for (const { env, dir } of view.environments.environments.flatMap((e) => view.placementsOf(e))) {
    const sharedDir = path.posix.join(dir, 'shared');
    const objects = sharedObjects(sharedObjectsOptions(view, env));
    for (const [name, docs] of Object.entries(objects)) files.add(path.posix.join(sharedDir, name), toYamlAll(docs));
    files.add(
      path.posix.join(sharedDir, 'kustomization.yaml'),
      toYaml(
        kustomization({
          namespace: env.namespace,
          resources: [...Object.keys(objects).sort(), ...view.datastores.map((d) => `../${d.name}`)],
          labels: { environment: env.name },
        }),
      ),
    );
  }
};

/** The shared configuration, when a service that reads it runs in the environment. */
function sharedConfigIn(options: SharedObjectsOptions): SharedConfig | undefined {
  const shared = options.sharedConfig;
  return shared && options.services.some((s) => shared.consumedBy(s)) ? shared : undefined;
}

/** ENVIRONMENTS.md sections derived from the GitOps model: databases, URLs, security, backups. */
export function sharedDocSections(
  platform: string,
  envs: readonly Environment[],
  services: readonly Microservice[],
  datastores: readonly Datastore[],
  sharedConfig?: SharedConfig,
): DocSection[] {
  const header = (first: string) =>
    `| ${first} | ${envs.map((e) => cap(e.name)).join(' | ')} |\n|---|${envs.map(() => '---').join('|')}|\n`;
  const row = (label: string, cell: (e: Environment) => string) => `| ${label} | ${envs.map(cell).join(' | ')} |\n`;
  const sections: DocSection[] = [];
  if (datastores.length > 0) {
    sections.push({
      title: 'Databases',
      body:
        header('Database') +
        datastores.map((d) => row(d.engine.displayName, (e) => d.describeIn(e))).join('') +
        '\n' +
        header('Sizing') +
        row(
          'Resources per pod',
          (e) => `${e.datastores.resources.requests.cpu} / ${e.datastores.resources.requests.memory}`,
        ) +
        row('Volume per pod', (e) => e.datastores.storage) +
        row('Operator-managed', (e) => (datastores.some((d) => d.operatorFor(e) !== undefined) ? 'Yes' : 'No')),
    });
  }
  if (sharedConfig) {
    const keys = [...new Set(envs.flatMap((e) => Object.keys(sharedConfig.dataFor(e))))].sort();
    const secret = sharedConfig.secret;
    sections.push({
      title: 'Shared configuration',
      body:
        `ConfigMap \`${sharedConfig.name}\`${secret ? ` and Secret \`${secret.name}\`` : ''}, read with \`envFrom\` by ` +
        `${sharedConfig.consumers.map((s) => s.name).join(', ')}.\n\n` +
        header('Key') +
        keys.map((k) => row(`\`${k}\``, (e) => sharedConfig.dataFor(e)[k] ?? '(unset)')).join('') +
        (secret ? row(`Secret keys (${secret.name})`, () => secret.keys.join(', ')) : ''),
    });
  }
  const exposed = services.filter((s) => s.exposure !== undefined);
  if (exposed.length > 0 && envs.some((e) => e.ingress)) {
    sections.push({
      title: 'Access URLs',
      body:
        header('Service') +
        exposed
          .map((s) =>
            row(cap(s.name), (e) => {
              const url = accessUrls(e, services).find((u) => u.service === s);
              return url ? `${url.host}${url.path === '/' ? '' : url.path}` : 'Not exposed';
            }),
          )
          .join(''),
    });
  }
  sections.push({
    title: 'Security',
    body:
      header('Feature') +
      row('TLS/SSL', (e) => e.tls?.describe() ?? 'None') +
      row('Network Policies', (e) =>
        e.networkPolicy === NetworkPolicyMode.DEFAULT_DENY
          ? 'Enforced (default deny in and out, one allow per edge)'
          : 'Basic (allow within the namespace)',
      ) +
      row(
        'Pod Security',
        (e) => `enforce ${e.podSecurity.enforce}, warn ${e.podSecurity.warn ?? e.podSecurity.enforce}`,
      ) +
      row('Secrets', (e) => e.secrets.describe()) +
      row('Secrets Rotation', (e) => e.operations.secretsRotation) +
      row('Vulnerability Scanning', (e) => e.operations.vulnerabilityScanning),
  });
  sections.push({
    title: 'Backup',
    body:
      header('Aspect') +
      row('Database Backups', (e) => describeBackup(e.datastores.backup).frequency) +
      row('Backup Retention', (e) => describeBackup(e.datastores.backup).retention),
  });
  void platform;
  return sections;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
