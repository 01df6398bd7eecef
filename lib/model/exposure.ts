import { shape } from '../core/props-shape';

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

/** The keys of `IngressProps`, checked at run time. */
export const INGRESS_SHAPE = shape<IngressProps>('IngressProps', {
  host: 'string',
  apiHost: 'string',
  apiPathPrefix: 'string',
});
