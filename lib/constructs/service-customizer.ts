import { Environment } from '../model/environment';

/** A rendered Kubernetes object, as plain JSON. */
export type RenderedObject = { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;

/**
 * The documented escape hatch of a `Microservice` (`MicroserviceProps.customize`): gets one
 * service's objects as they render in `env` (deep copies), changes them in place and may push
 * new ones. Synth writes the difference into that environment's overlay, so the base stays the
 * same everywhere and the change is reviewable where it applies.
 */
export type ServiceCustomizer = (objects: RenderedObject[], env: Environment) => void;
