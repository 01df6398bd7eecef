/** Name of the Argo CD Application that syncs `service` of `env` on `platform` (`craftista-prod-catalogue`). */
export function serviceApplicationName(platform: string, env: string, service: string): string {
  return `${platform}-${env}-${service}`;
}
