import { Environment } from './environment';
import { Microservice } from './microservice';

/** Where a service is reachable from outside the cluster. */
export enum Exposure {
  /** At `/` on the environment's main host (the web frontend). */
  FRONTEND = 'frontend',
  /** At `<apiPathPrefix>/<service>` on the environment's API host. */
  API = 'api',
}

/** An environment's public hosts (seed: "Access URLs"). */
export interface IngressProps {
  /** Host of the frontend, e.g. `dev.craftista.local` or `craftista.com`. */
  readonly host: string;
  /**
   * Host of the APIs, e.g. `api.craftista.com`.
   * @default - the frontend host
   */
  readonly apiHost?: string;
  /**
   * Path prefix of the APIs on the API host: `/api` gives `/api/catalogue`; '' gives `/catalogue`.
   * @default '/api'
   */
  readonly apiPathPrefix?: string;
}

/** One public URL of a service. */
export interface AccessUrl {
  /** The service. */
  readonly service: Microservice;
  /** Host. */
  readonly host: string;
  /** Path prefix. */
  readonly path: string;
}

/** Every public URL of `services` in `env`, in service order. */
export function accessUrls(env: Environment, services: readonly Microservice[]): AccessUrl[] {
  if (!env.ingress) return [];
  const apiHost = env.ingress.apiHost ?? env.ingress.host;
  const prefix = env.ingress.apiPathPrefix ?? '/api';
  return services
    .filter((s) => s.exposure !== undefined)
    .map((service) =>
      service.exposure === Exposure.FRONTEND
        ? { service, host: env.ingress!.host, path: '/' }
        : { service, host: apiHost, path: `${prefix}/${service.name}` },
    );
}

/** The environment's Ingress, routing every access URL to its Service, with TLS when set. */
export function ingressObject(
  platform: string,
  env: Environment,
  services: readonly Microservice[],
  className: string,
  labels: Record<string, string>,
): object | undefined {
  const urls = accessUrls(env, services);
  if (urls.length === 0) return undefined;
  const hosts = [...new Set(urls.map((u) => u.host))];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: platform, labels },
    spec: {
      ingressClassName: className,
      ...(env.tls ? { tls: [{ hosts, secretName: env.tls.secretName(platform) }] } : {}),
      rules: hosts.map((host) => ({
        host,
        http: {
          paths: urls
            .filter((u) => u.host === host)
            .sort((a, b) => b.path.length - a.path.length || (a.path < b.path ? -1 : 1))
            .map((u) => ({
              path: u.path,
              pathType: 'Prefix',
              backend: { service: { name: u.service.name, port: { name: 'http' } } },
            })),
        },
      })),
    },
  };
}
