import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { IEndpoint } from './endpoint';
import { Environment } from '../model/environment';
import { Microservice } from './microservice';
import { checkDnsLabel, checkVariables, uniqueChildId } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';

/** The platform's shared Secret: referenced by name, its values never in the manifests. */
export interface SharedSecretProps {
  /** Secret name in each environment's namespace (e.g. `platform-secrets`). */
  readonly name: string;
  /**
   * Keys the Secret holds, each read as the environment variable of the same name (e.g.
   * `JWT_SECRET`). They are what the ExternalSecret fetches in a cloud environment and what
   * a local environment creates by hand, from `local/.env` in Docker Compose.
   */
  readonly keys: readonly string[];
}

/** Props of a `SharedConfig`. */
export interface SharedConfigProps {
  /** Services that read the shared ConfigMap (and the shared Secret) with `envFrom`. */
  readonly consumers: readonly Microservice[];
  /**
   * Variables that are the same in every environment; the environment table's
   * `sharedVariables` add to or replace them per environment.
   * @default {}
   */
  readonly variables?: Record<string, string>;
  /**
   * A Secret every consumer reads with `envFrom`, beside the ConfigMap.
   * @default - no shared Secret
   */
  readonly secret?: SharedSecretProps;
  /**
   * What every consumer connects to through the ConfigMap, keyed by the variable that carries
   * the URL, like `Microservice` connections (e.g. `{ DATABASE_URL: postgres, REDIS_URL: redis,
   * S3_ENDPOINT: minio }`). The ConfigMap holds each URL as it is in that environment (the
   * in-cluster Service or the managed endpoint), without user and password: those reach each
   * consumer's own env as Secret references (`POSTGRES_USERNAME`, `POSTGRES_PASSWORD`,
   * `REDIS_PASSWORD`; `Datastore.fields()` chooses other names), and where the whole URL is a
   * Secret key (MongoDB HA) the variable itself is a Secret reference and not in the ConfigMap.
   * Each is a network edge of every consumer, as a direct connection would be.
   * @default {}
   */
  readonly connections?: Record<string, IEndpoint>;
  /**
   * The consumers that actually use the connections: only they get the credentials as Secret
   * references and the network edges (least privilege: a frontend that reads the shared
   * ConfigMap for one URL needs no database password and no path to the database). Every
   * consumer still sees the URLs in the ConfigMap, which carry no credentials.
   * @default - every consumer
   */
  readonly connectedConsumers?: readonly Microservice[];
}

/**
 * Configuration the whole platform shares (seed 002's `platform-config` and
 * `platform-secrets`): one ConfigMap named after the construct id in each environment's
 * namespace, emitted once in `overlays/<env>/shared/`, whose data is `variables` plus the
 * environment table's `sharedVariables`, and optionally one Secret reference. Consumers read
 * both by name through `envFrom`; a key set both here and by a consumer is an error, since
 * which one wins would depend on list order. A change of the environment's shared data
 * changes each consumer's config-hash annotation, so its pods roll; a change of the Secret's
 * values does not (they are not in git), like every other Secret reference.
 */
export class SharedConfig extends Construct {
  /** ConfigMap name, the construct id. */
  public readonly name: string;
  /** Services that read it. */
  public readonly consumers: readonly Microservice[];
  /** Variables of every environment. */
  public readonly variables: Readonly<Record<string, string>>;
  /** The shared Secret, if any. */
  public readonly secret: SharedSecretProps | undefined;
  /** What consumers connect to through the ConfigMap, by the variable that carries the URL. */
  public readonly connections: Readonly<Record<string, IEndpoint>>;
  /** The consumers that get the connections' credentials and network edges. */
  public readonly connectedConsumers: readonly Microservice[];

  constructor(scope: Construct, id: string, props: SharedConfigProps) {
    // Services' ConfigMaps are named after them: a sibling's name would be a second ConfigMap of that name.
    super(scope, uniqueChildId(scope, id, 'shared config'));
    const path = this.node.path;
    checkProps(path, props, SHARED_CONFIG_SHAPE);
    checkDnsLabel(path, 'config map name', id);
    if (props.consumers.length === 0)
      throw new StagecraftError(path, 'consumers must list at least one service, got none');
    const variables = props.variables ?? {};
    checkVariables(path, variables);
    if (props.secret) {
      checkDnsLabel(path, 'secret name', props.secret.name);
      if (props.secret.keys.length === 0)
        throw new StagecraftError(path, `secret ${props.secret.name} must list at least one key, got none`);
      checkVariables(path, Object.fromEntries(props.secret.keys.map((k) => [k, k])));
      const both = props.secret.keys.find((k) => variables[k] !== undefined);
      if (both !== undefined) {
        throw new StagecraftError(
          path,
          `key ${JSON.stringify(both)} is a variable and a secret key, got both; allowed: one of them`,
        );
      }
    }
    const connections = props.connections ?? {};
    checkVariables(path, Object.fromEntries(Object.keys(connections).map((k) => [k, k])));
    const taken = [...Object.keys(variables), ...(props.secret?.keys ?? [])];
    const twice = Object.keys(connections).find((k) => taken.includes(k));
    if (twice !== undefined) {
      throw new StagecraftError(
        path,
        `key ${JSON.stringify(twice)} is a connection and a ${variables[twice] !== undefined ? 'variable' : 'secret key'}, got both; allowed: one of them`,
      );
    }
    const connected = props.connectedConsumers ?? props.consumers;
    const stranger = connected.find((s) => !props.consumers.includes(s));
    if (stranger !== undefined) {
      throw new StagecraftError(
        path,
        `connectedConsumers lists ${stranger.name}, which is not a consumer; allowed: ${props.consumers.map((c) => c.name).join(', ')}`,
      );
    }
    this.name = id;
    this.consumers = props.consumers;
    this.connectedConsumers = connected;
    this.connections = connections;
    this.variables = variables;
    this.secret = props.secret ? { name: props.secret.name, keys: [...props.secret.keys].sort() } : undefined;
    for (const service of this.consumers) {
      // Before the service's own ConfigMap: the platform's settings first, then the service's.
      const deployment = service.base.node.findChild('deployment') as ApiObject;
      const envFrom = '/spec/template/spec/containers/0/envFrom/0';
      if (this.secret) deployment.addJsonPatch(JsonPatch.add(envFrom, { secretRef: { name: this.secret.name } }));
      deployment.addJsonPatch(JsonPatch.add(envFrom, { configMapRef: { name: this.name } }));
      if (connected.includes(service)) service.addSharedConnections(this.connections);
    }
  }

  /** The ConfigMap's data in `env`, sorted by key: variables, connection URLs, the table's `sharedVariables`. */
  public dataFor(env: Environment): Record<string, string> {
    const data: Record<string, string> = { ...this.variables, ...this.connectionDataFor(env), ...env.sharedVariables };
    return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The literal values of the connections in `env` (URLs without credentials). */
  private connectionDataFor(env: Environment): Record<string, string> {
    const data: Record<string, string> = {};
    for (const variable of Object.keys(this.connections).sort()) {
      for (const e of this.connections[variable].sharedConnectionEnv(variable, env)) {
        if (e.value === undefined) continue;
        // Kubernetes expands $(VAR) in a container's env only, never in a ConfigMap read by envFrom.
        if (e.value.includes('$(')) {
          throw new StagecraftError(
            this.node.path,
            `connection ${variable} sets ${e.name} to ${JSON.stringify(e.value)} in environment ${env.name}, which a ConfigMap cannot expand; allowed: values without $(...)`,
          );
        }
        data[e.name] = e.value;
      }
    }
    return data;
  }

  /** Whether `service` reads the shared configuration. */
  public consumedBy(service: Microservice): boolean {
    return this.consumers.includes(service);
  }

  /**
   * What a consumer's pods depend on in `env` (ConfigMap name and data, Secret name and keys):
   * the input of their config-hash annotation.
   */
  public fingerprint(env: Environment): Record<string, unknown> {
    return {
      configMap: this.name,
      data: this.dataFor(env),
      ...(this.secret ? { secret: this.secret.name, secretKeys: this.secret.keys } : {}),
    };
  }

  /** The ConfigMap of `env`, labelled like the other shared objects. */
  public configMap(env: Environment, labels: Record<string, string>): object {
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: this.name, labels }, data: this.dataFor(env) };
  }

  /**
   * Checks that no key is set in two places in any environment: the shared secret and the
   * table's `sharedVariables`, or the shared configuration and a consumer's own variables.
   */
  public check(environments: readonly Environment[]): void {
    for (const env of environments) {
      const data = this.dataFor(env);
      const secretKeys = this.secret?.keys ?? [];
      const both = secretKeys.find((k) => data[k] !== undefined);
      if (both !== undefined) {
        throw new StagecraftError(
          `environments/${env.name}`,
          `sharedVariables key ${JSON.stringify(both)} is also a key of secret ${this.secret!.name}, got both; allowed: one of them`,
        );
      }
      const connectionKeys = Object.keys(this.connectionDataFor(env));
      const replaced = connectionKeys.find((k) => env.sharedVariables[k] !== undefined);
      if (replaced !== undefined) {
        throw new StagecraftError(
          `environments/${env.name}`,
          `sharedVariables key ${JSON.stringify(replaced)} is also a connection of shared config ${this.name}, got both; allowed: one of them`,
        );
      }
      if (!env.runServices) continue;
      const shared = [...Object.keys(data), ...secretKeys];
      for (const service of this.consumers) {
        const settings = service.settingsFor(env);
        const own = [...Object.keys(settings.variables), ...settings.connectionEnv.map((e) => e.name)];
        const clash = shared.find((k) => own.includes(k));
        if (clash !== undefined) {
          throw new StagecraftError(
            this.node.path,
            `key ${JSON.stringify(clash)} is set here and by service ${service.name} in environment ${env.name}, got both; allowed: one of them`,
          );
        }
      }
    }
  }
}

/** The keys of `SharedSecretProps`, checked at run time. */
const SHARED_SECRET_SHAPE = shape<SharedSecretProps>('SharedSecretProps', { name: 'string', keys: 'strings' });

/** The keys of `SharedConfigProps`, checked at run time. */
export const SHARED_CONFIG_SHAPE = shape<SharedConfigProps>('SharedConfigProps', {
  consumers: { listOf: 'any' },
  variables: 'stringMap',
  secret: SHARED_SECRET_SHAPE,
  connections: { mapOf: 'any' },
  connectedConsumers: { listOf: 'any' },
});
