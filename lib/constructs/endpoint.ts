import { Environment } from '../model/environment';

/** One container environment variable: a literal (which may reference earlier ones) or a reference. */
export interface EndpointEnvVar {
  /** Variable name. */
  readonly name: string;
  /** Literal value; `$(OTHER)` expands variables defined before it. */
  readonly value?: string;
  /** Reference to a Secret key. */
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** Anything services connect to: another service or a datastore. */
export interface IEndpoint {
  /** Stable name, also the Service's DNS name in the namespace. */
  readonly name: string;
  /** Port clients connect to (default topology). */
  readonly port: number;
  /** Default URL clients use (without credentials). */
  readonly url: string;
  /** Labels of the pods behind the endpoint in `env` (for network policies); undefined outside the cluster. */
  podSelectorFor(env: Environment): Record<string, string> | undefined;
  /** Ports clients connect to in `env` (e.g. Sentinel and Redis for Redis HA). */
  portsFor(env: Environment): number[];
  /** Container environment a client needs in `env` to read the URL from `variable` (credentials by reference). */
  connectionEnv(variable: string, env: Environment): EndpointEnvVar[];
  /**
   * The same connection when `variable` is shared by several clients through a ConfigMap
   * (`SharedConfig`): literal entries go to the ConfigMap, so none carries a credential or a
   * `$(...)` reference (a URL without user and password); Secret references go to each
   * client's own container env.
   */
  sharedConnectionEnv(variable: string, env: Environment): EndpointEnvVar[];
  /** The operator that creates the endpoint's pods in `env`, if they are not in the manifests. */
  operatorFor(env: Environment): string | undefined;
  /**
   * Whether the endpoint exists in `env` (a service listed for some environments only).
   * @default - everywhere
   */
  runsIn?(env: Environment): boolean;
}
