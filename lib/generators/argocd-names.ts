/**
 * Prefix of the Argo CD Applications that sync one placement of `env` on `platform`:
 * `craftista-prod`, or `fleet-prod-prod-eu` for cluster `prod-eu` of an environment that spans
 * several clusters (pass `cluster` only then: a single cluster's Applications keep the
 * environment's names).
 */
export function applicationPrefix(platform: string, env: string, cluster?: string): string {
  return cluster === undefined ? `${platform}-${env}` : `${platform}-${env}-${cluster}`;
}

/**
 * Name of the Argo CD Application that syncs `service` of `env` on `platform`
 * (`craftista-prod-catalogue`), in `cluster` of an environment that spans several
 * (`fleet-prod-prod-eu-api`).
 */
export function serviceApplicationName(platform: string, env: string, service: string, cluster?: string): string {
  return `${applicationPrefix(platform, env, cluster)}-${service}`;
}
