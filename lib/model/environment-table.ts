import { StagecraftError } from '../core/errors';
import { Environment, EnvironmentProps } from './environment';

/**
 * The typed environment table: the one place where environments differ. Adding an
 * environment is adding one entry. The order of `environments` is the documentation order;
 * the promotion order comes from the `promotedFrom` links.
 */
export class EnvironmentTable {
  /** Every environment, in table order. */
  public readonly environments: readonly Environment[];

  constructor(environments: readonly EnvironmentProps[]) {
    if (environments.length === 0) {
      throw new StagecraftError('environments', 'the environment table must have at least one environment, got none');
    }
    this.environments = environments.map((props) => new Environment(props));
    const seen = new Map<string, string>();
    for (const env of this.environments) {
      if (seen.has(env.name)) {
        throw new StagecraftError(
          `environments/${env.name}`,
          `duplicate environment name ${JSON.stringify(env.name)}: names must be unique`,
        );
      }
      seen.set(env.name, env.namespace);
    }
    for (const env of this.environments) {
      if (env.promotedFrom !== undefined && !seen.has(env.promotedFrom)) {
        throw new StagecraftError(
          `environments/${env.name}`,
          `promotedFrom ${JSON.stringify(env.promotedFrom)} is not an environment; allowed: ${this.names.join(', ')}`,
        );
      }
    }
    for (const env of this.environments) {
      this.upstreamOf(env.name);
    }
    const owners = new Map<string, string>();
    for (const env of this.environments) {
      for (const cluster of env.clusters) {
        const owner = owners.get(cluster.name);
        if (owner !== undefined) {
          throw new StagecraftError(
            `environments/${env.name}/clusters/${cluster.name}`,
            `cluster ${JSON.stringify(cluster.name)} already belongs to ${owner}: an Argo CD cluster serves one environment, so its AppProject fences it`,
          );
        }
        owners.set(cluster.name, env.name);
      }
    }
    for (const env of this.environments) {
      if (!env.requiresVerifiedSource) continue;
      const source = env.promotedFrom === undefined ? undefined : this.get(env.promotedFrom);
      if (!source?.verification) {
        throw new StagecraftError(
          `environments/${env.name}`,
          `requiresVerifiedSource needs the environment it is promoted from to have verification settings, got ${source ? `${source.name} without verification` : 'no promotedFrom'}`,
        );
      }
    }
  }

  /** The environments Argo CD deploys (every one but the local clusters). */
  public get deployed(): Environment[] {
    return this.environments.filter((e) => !e.local);
  }

  /** Environment names in table order. */
  public get names(): string[] {
    return this.environments.map((e) => e.name);
  }

  /** The environment called `name`, or a one-line error listing the allowed names. */
  public get(name: string, path = 'environments'): Environment {
    const env = this.environments.find((e) => e.name === name);
    if (!env) {
      throw new StagecraftError(path, `unknown environment ${JSON.stringify(name)}; allowed: ${this.names.join(', ')}`);
    }
    return env;
  }

  /** Environments that receive promotions from `name`. */
  public downstreamOf(name: string): Environment[] {
    return this.environments.filter((e) => e.promotedFrom === name);
  }

  /** The chain of environments promoted into `name`, nearest first; throws on a cycle. */
  public upstreamOf(name: string): Environment[] {
    const chain: Environment[] = [];
    let current = this.get(name);
    while (current.promotedFrom !== undefined) {
      const next = this.get(current.promotedFrom);
      if (next.name === name || chain.includes(next)) {
        throw new StagecraftError(
          `environments/${name}`,
          `promotedFrom links form a cycle through ${JSON.stringify(next.name)}`,
        );
      }
      chain.push(next);
      current = next;
    }
    return chain;
  }

  /** Promotion chains, each from its first stage to its last (e.g. `[dev, staging, prod]`). */
  public promotionChains(): Environment[][] {
    const chains: Environment[][] = [];
    const walk = (path: Environment[]) => {
      const next = this.downstreamOf(path[path.length - 1].name);
      if (next.length === 0) chains.push(path);
      for (const env of next) walk([...path, env]);
    };
    for (const start of this.environments.filter((e) => e.promotedFrom === undefined && !e.local)) walk([start]);
    return chains;
  }
}
