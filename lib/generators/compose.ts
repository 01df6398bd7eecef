import { Datastore } from '../constructs/datastores/datastore';
import { Environment } from '../model/environment';
import { ImagePin } from '../kube/image-pin';
import { Microservice } from '../constructs/microservice';
import { SharedConfig } from '../constructs/shared-config';
import { stringify } from 'yaml';
import * as path from 'path';
import { GENERATED_HEADER } from '../core/yaml';
import { Generator } from './generator';
import { localPorts } from '../constructs/local-ports';

/** The local tier: a Docker Compose file and the `.env.example` it reads. */
export interface ComposeFiles {
  /** `docker-compose.yaml`. */
  readonly compose: string;
  /** `.env.example`: every variable the compose file needs, with safe local values. */
  readonly envExample: string;
}

const LOCAL_ONLY = 'local-only-change-me';

/**
 * Renders the platform for Docker Compose with `env`'s values (seeds 000, 002 and 004: the
 * local tier): every service and datastore, health checks on the datastores, named volumes,
 * services starting once their datastores are healthy, and credentials read from `local/.env`
 * (never committed; `.env.example` lists every variable with a local-only value). Consumers of
 * `shared` get its data and read its Secret's keys from `local/.env` too.
 */
function renderCompose(
  platform: string,
  env: Environment,
  services: readonly Microservice[],
  datastores: readonly Datastore[],
  pinOf: (service: Microservice) => ImagePin,
  shared?: SharedConfig,
): ComposeFiles {
  const variables = new Map<string, { value: string; comment: string }>();
  const secretVariable = (name: string, key: string, owner: string) => {
    const value = key === 'username' ? platform : LOCAL_ONLY;
    if (!variables.has(name)) variables.set(name, { value, comment: `${owner} ${key}` });
    return `\${${name}:?set ${name} in local/.env (see local/.env.example)}`;
  };
  const composeServices: Record<string, unknown> = {};
  const volumes: Record<string, Record<string, never>> = {};
  for (const d of datastores) {
    const spec = d.containerSpec();
    const prefix = d.name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    volumes[`${d.name}-data`] = {};
    const environment: Record<string, string> = {};
    const refs: Record<string, string> = {};
    for (const [name, v] of Object.entries(spec.environment)) {
      if ('secretKey' in v) {
        const variable = `${prefix}_${v.secretKey.toUpperCase()}`;
        environment[name] = secretVariable(variable, v.secretKey, d.name);
        refs[name] = `\${${variable}}`;
      } else environment[name] = refs[name] = composeString(v.value, {});
    }
    composeServices[d.name] = {
      image: spec.image,
      ...(spec.command ? { command: spec.command.map((arg) => composeString(arg, refs)) } : {}),
      environment,
      ports: [`127.0.0.1:${spec.port}:${spec.port}`],
      volumes: [`${d.name}-data:${spec.dataPath}`],
      healthcheck: {
        test: ['CMD', ...spec.healthcheck.map((c) => c.replace(/\$/g, '$$$$'))],
        interval: '10s',
        timeout: '5s',
        retries: 10,
        start_period: '20s',
      },
      security_opt: ['no-new-privileges:true'],
      restart: 'unless-stopped',
    };
  }
  const hostPorts = localPorts(services, datastores);
  // Compose has no Service in front of a container: clients reach it on the container's port.
  const servicePorts = services
    .filter((s) => s.containerPort !== undefined && s.servicePort !== s.containerPort)
    .map((s) => [`${s.name}:${s.servicePort}`, `${s.name}:${s.containerPort}`] as const);
  for (const s of services) {
    const settings = s.settingsFor(env);
    const tagVariable = `${s.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TAG`;
    const pin = pinOf(s);
    variables.set(tagVariable, { value: pin.newTag ?? 'latest', comment: `${s.image} tag (what ${env.name} pins)` });
    const environment: Record<string, string> = {};
    // What a Kubernetes `$(NAME)` in this container reads: a Secret key's variable from local/.env, or a literal.
    const refs: Record<string, string> = {};
    const secret = (name: string, key: string, owner: string) => {
      environment[name] = secretVariable(name, key, owner);
      refs[name] = `\${${name}}`;
    };
    const literal = (name: string, value: string) => {
      environment[name] = refs[name] = composeString(value, refs);
    };
    if (shared?.consumedBy(s)) {
      for (const [name, value] of Object.entries(shared.dataFor(env))) literal(name, value);
      for (const key of shared.secret?.keys ?? []) secret(key, key, shared.secret!.name);
    }
    for (const [name, value] of Object.entries(settings.variables)) literal(name, value);
    for (const e of settings.connectionEnv) {
      if (e.valueFrom) secret(e.name, e.valueFrom.secretKeyRef.key, e.valueFrom.secretKeyRef.name);
      else literal(e.name, localAddresses(e.value ?? '', servicePorts));
    }
    const hostPort = hostPorts.get(s);
    const dependsOn = Object.fromEntries(
      s.endpoints.map((endpoint) => [
        endpoint.name,
        { condition: datastores.some((d) => d.name === endpoint.name) ? 'service_healthy' : 'service_started' },
      ]),
    );
    composeServices[s.name] = {
      image: `${s.image}:\${${tagVariable}:-${pin.newTag ?? 'latest'}}`,
      // Kubernetes' command replaces the image's entrypoint, its args the image's command.
      ...(s.command ? { entrypoint: s.command.map((arg) => composeString(arg, refs)) } : {}),
      ...(s.args ? { command: s.args.map((arg) => composeString(arg, refs)) } : {}),
      environment,
      ...(hostPort !== undefined ? { ports: [`127.0.0.1:${hostPort}:${s.containerPort}`] } : {}),
      ...(Object.keys(dependsOn).length > 0 ? { depends_on: dependsOn } : {}),
      user: `${s.runAsUser}:${s.runAsUser}`,
      read_only: true,
      tmpfs: [...s.writablePaths],
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      mem_limit: settings.resources.limits.memory.replace(/i$/, '').toLowerCase(),
      cpus: cpus(settings.resources.limits.cpu),
      restart: 'unless-stopped',
    };
  }
  const header =
    `# Generated by \`npm run synth\` from main.ts with the ${env.name} values of the environment table.\n` +
    '# cp local/.env.example local/.env, then: docker compose -f local/docker-compose.yaml --env-file local/.env up -d\n';
  // Format 2.4 keeps `depends_on: condition: service_healthy`, `mem_limit` and `cpus` for both
  // docker-compose 1.x and the compose plugin; YAML 1.1 quoting keeps `yes` a string for PyYAML.
  const compose =
    header + stringify({ version: '2.4', services: composeServices, volumes }, { version: '1.1', lineWidth: 0 });
  const envExample =
    GENERATED_HEADER +
    '# Copy to local/.env (git-ignored) and change the passwords. Local development only: never a real secret.\n' +
    [...variables.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, v]) => `# ${v.comment}\n${name}=${v.value}`)
      .join('\n') +
    '\n';
  return { compose, envExample };
}

/**
 * `value` as Compose must read it: a literal `$` doubled (Compose would interpolate `${HOME}`
 * from the host), and each Kubernetes reference `$(NAME)` to a variable of the same container
 * replaced by what that variable holds in Compose (`${CACHE_PASSWORD}` from local/.env, or the literal), so
 * the names always match what `.env.example` defines. A reference to no variable stays literal,
 * as Kubernetes leaves it.
 */
function composeString(value: string, refs: Readonly<Record<string, string>>): string {
  return value
    .split(/(\$\([A-Za-z_][A-Za-z0-9_]*\))/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/\$/g, '$$$$');
      const name = part.slice(2, -1);
      return refs[name] ?? part.replace(/\$/g, '$$$$');
    })
    .join('');
}

/** A connection value with each `service:servicePort` turned into `service:containerPort`. */
function localAddresses(value: string, servicePorts: readonly (readonly [string, string])[]): string {
  return servicePorts.reduce(
    (v, [from, to]) =>
      v.replace(new RegExp(`(^|[/@,])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`, 'g'), `$1${to}`),
    value,
  );
}

function cpus(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** Path of the Docker Compose file in the local tier's directory. */
export function composeFile(localDir: string): string {
  return path.posix.join(localDir, 'docker-compose.yaml');
}

/** `local/docker-compose.yaml` and `local/.env.example`, with the compose environment's values. */
export const compose: Generator = (view, files) => {
  const env = view.layout.composeEnvironment;
  if (!env) return;
  const rendered = renderCompose(
    view.name,
    env,
    view.services.filter((s) => s.runsIn(env)),
    view.datastores,
    (s) => view.pinOf(env, s),
    view.sharedConfig,
  );
  files.add(composeFile(view.layout.localDir), rendered.compose);
  files.add(path.posix.join(view.layout.localDir, '.env.example'), rendered.envExample);
};
