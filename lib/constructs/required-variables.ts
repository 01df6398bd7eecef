import { Environment } from '../model/environment';
import { Microservice } from './microservice';
import { Platform } from './platform';
import { checkVariables } from '../core/checks';
import { StagecraftError } from '../core/errors';

/** Options of `checkRequiredVariables()`. */
export interface RequiredVariablesOptions {
  /**
   * Variable names a service receives in `env` from sources other than its ConfigMap, such as
   * the keys of a Secret reference. They satisfy a requirement like any other variable; the
   * check never sees their values.
   * @default - no other source: only the ConfigMap variables count
   */
  readonly providedBy?: (service: Microservice, env: Environment) => readonly string[];
}

/**
 * Checks, at synth time, that every service named in `required` receives each of its required
 * variables in every environment of the platform: from the service's own variables, its
 * connections, the environment table, its overrides, or `providedBy`. The first missing one
 * throws a one-line error naming the service, the environment and the variable.
 */
export function checkRequiredVariables(
  platform: Platform,
  required: Record<string, readonly string[]>,
  options: RequiredVariablesOptions = {},
): void {
  const providedBy = options.providedBy ?? (() => []);
  const services = platform.services;
  const names = services.map((s) => s.name);
  for (const [serviceName, variables] of Object.entries(required)) {
    const service = services.find((s) => s.name === serviceName);
    if (!service) {
      throw new StagecraftError(
        `${platform.node.path}/required-variables`,
        `required variables for unknown service ${JSON.stringify(serviceName)}; allowed: ${names.join(', ')}`,
      );
    }
    checkVariables(`${service.node.path}/required-variables`, Object.fromEntries(variables.map((v) => [v, ''])));
    for (const env of platform.environments.environments) {
      const settings = service.settingsFor(env);
      const available = new Set([
        ...Object.keys(settings.variables),
        ...settings.connectionEnv.map((e) => e.name),
        ...providedBy(service, env),
      ]);
      const missing = variables.filter((v) => !available.has(v));
      if (missing.length > 0) {
        throw new StagecraftError(
          service.node.path,
          `required variable ${missing.join(', ')} missing in environment ${JSON.stringify(env.name)}; set it in the environment table, the service or a secret reference`,
        );
      }
    }
  }
}
