import { StagecraftError } from '../core/errors';
import { Datastore } from './datastores/datastore';
import { Microservice } from './microservice';

/**
 * The port on the developer's machine of every service that has one (Docker Compose and
 * `make kind-forward` publish them): its explicit `localPort`, else its own port, else the next
 * free one, in definition order; datastore ports are taken first. Two explicit `localPort`s (or
 * one and a datastore's port) that collide are an error, so no two containers race for a port.
 */
export function localPorts(
  services: readonly Microservice[],
  datastores: readonly Datastore[],
): Map<Microservice, number> {
  const owner = new Map<number, string>();
  for (const d of datastores) if (!owner.has(d.port)) owner.set(d.port, d.name);
  const explicit = services.filter((s) => s.containerPort !== undefined && s.localPort !== undefined);
  for (const s of explicit) {
    const port = s.localPort!;
    const other = owner.get(port);
    if (other !== undefined) {
      throw new StagecraftError(
        s.node.path,
        `localPort ${port} is already ${other}'s; allowed: a port no other service or datastore publishes`,
      );
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new StagecraftError(s.node.path, `localPort must be a TCP port (1-65535), got ${port}`);
    }
    owner.set(port, s.name);
  }
  const out = new Map<Microservice, number>();
  for (const s of services) {
    if (s.containerPort === undefined) continue;
    if (explicit.includes(s)) {
      out.set(s, s.localPort!);
      continue;
    }
    let port = s.containerPort;
    while (owner.has(port)) port++;
    owner.set(port, s.name);
    out.set(s, port);
  }
  return new Map(services.filter((s) => out.has(s)).map((s) => [s, out.get(s)!]));
}
