import { Environment } from '../model/environment';
import { Microservice } from '../constructs/microservice';
import { Exposure } from '../model/exposure';

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

/**
 * The environment's Ingress objects: `<platform>` serves the frontend at `/`; `<platform>-api`
 * serves each API under its prefix and strips it (ingress-nginx `rewrite-target`), so
 * `/api/catalogue/products` reaches catalogue as `/products`. Both carry the TLS settings.
 */
export function ingressObjects(
  platform: string,
  env: Environment,
  services: readonly Microservice[],
  className: string,
  labels: Record<string, string>,
): object[] {
  const urls = accessUrls(env, services);
  const hosts = [...new Set(urls.map((u) => u.host))];
  const ingress = (name: string, selected: AccessUrl[], annotations: Record<string, string>, rewrite: boolean) => {
    const ownHosts = hosts.filter((h) => selected.some((u) => u.host === h));
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: {
        ingressClassName: className,
        ...(env.tls ? { tls: [{ hosts: ownHosts, secretName: env.tls.secretName(platform) }] } : {}),
        rules: ownHosts.map((host) => ({
          host,
          http: {
            paths: selected
              .filter((u) => u.host === host)
              .sort((a, b) => (a.path < b.path ? -1 : 1))
              .map((u) => ({
                path: rewrite ? `${u.path}(/|$)(.*)` : u.path,
                pathType: rewrite ? 'ImplementationSpecific' : 'Prefix',
                backend: { service: { name: u.service.name, port: { number: u.service.port } } },
              })),
          },
        })),
      },
    };
  };
  const frontends = urls.filter((u) => u.service.exposure === Exposure.FRONTEND);
  const apis = urls.filter((u) => u.service.exposure === Exposure.API);
  return [
    ...(frontends.length > 0 ? [ingress(platform, frontends, {}, false)] : []),
    ...(apis.length > 0
      ? [
          ingress(
            `${platform}-api`,
            apis,
            { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2', 'nginx.ingress.kubernetes.io/use-regex': 'true' },
            true,
          ),
        ]
      : []),
  ];
}
