import { StagecraftError } from '../core/errors';
import { JsonPatchOperation, jsonPatch } from '../core/json-patch';
import { Microservice, ServiceSettings } from '../constructs/microservice';
import { RenderedObject } from '../constructs/service-customizer';
import { Environment } from '../model/environment';

/** What the escape hatch adds to one overlay. */
export interface Customization {
  /** Files by name: a JSON patch per changed object, an object file per added one. */
  readonly files: Readonly<Record<string, unknown>>;
  /** JSON patches with their targets, applied after the overlay's own. */
  readonly patches: readonly {
    readonly path: string;
    readonly target: { readonly kind: string; readonly name: string };
  }[];
  /** Added objects, as overlay resources. */
  readonly resources: readonly string[];
}

/** What the overlay itself changes, so the escape hatch sees the objects as they render. */
export interface RenderedInputs {
  /** The service's settings in the environment. */
  readonly settings: ServiceSettings;
  /** The config-hash annotation the overlay sets on the pod template. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Objects the overlay adds (the HorizontalPodAutoscaler, the PodDisruptionBudget). */
  readonly extra: readonly RenderedObject[];
}

/**
 * Runs `service.customize` on its objects as they render in `env` and turns what it changed
 * into JSON patches (and what it added into resources) of that environment's overlay. The
 * objects are deep copies of the base with the overlay's namespace, environment label,
 * replicas, config hash, container env and resources and ConfigMap data applied; images carry
 * no tag (the overlay pins it). Removing an object, renaming one or changing an image is refused.
 */
export function customization(service: Microservice, env: Environment, inputs: RenderedInputs): Customization {
  const customize = service.customize;
  if (!customize) return { files: {}, patches: [], resources: [] };
  const path = `${service.node.path}/customize`;
  const before = rendered(service, env, inputs);
  const objects = structuredClone(before);
  customize(objects, env);
  const key = (o: RenderedObject) => `${o.kind}/${o.metadata?.name}`;
  const after = new Map(objects.map((o) => [key(o), o]));
  const files: Record<string, unknown> = {};
  const patches: Customization['patches'][number][] = [];
  const resources: string[] = [];
  for (const original of before) {
    const changed = after.get(key(original));
    if (!changed) {
      throw new StagecraftError(
        path,
        `removed ${key(original)} in ${env.name}; allowed: changing objects in place or adding new ones (use environments to leave the service out)`,
      );
    }
    const ops = jsonPatch(original, changed);
    checkOperations(path, env, key(original), ops);
    if (original.kind === 'Deployment') checkImage(path, env, service, changed);
    if (ops.length === 0) continue;
    const file = `customize-${original.kind.toLowerCase()}-${original.metadata.name}.yaml`;
    files[file] = ops;
    patches.push({ path: file, target: { kind: original.kind, name: original.metadata.name } });
  }
  const known = new Set(before.map(key));
  for (const [k, added] of after) {
    if (known.has(k)) continue;
    if (
      typeof added.kind !== 'string' ||
      typeof added.apiVersion !== 'string' ||
      typeof added.metadata?.name !== 'string'
    ) {
      throw new StagecraftError(
        path,
        `added an object without apiVersion, kind and metadata.name in ${env.name}, got ${k}`,
      );
    }
    const file = `customize-${added.kind.toLowerCase()}-${added.metadata.name}.yaml`;
    if (file in files)
      throw new StagecraftError(path, `added ${k} twice in ${env.name}; allowed: one object per kind and name`);
    files[file] = added;
    resources.push(file);
  }
  return { files, patches, resources: resources.sort() };
}

function checkOperations(path: string, env: Environment, object: string, ops: readonly JsonPatchOperation[]): void {
  for (const op of ops) {
    if (/^\/(kind|apiVersion)$|^\/metadata(\/(name|namespace))?$/.test(op.path)) {
      throw new StagecraftError(
        path,
        `changed ${op.path} of ${object} in ${env.name}; allowed: anything but the kind, name and namespace`,
      );
    }
  }
}

/** The service's own container keeps its name and its image as the model names it: the overlay pins the tag. */
function checkImage(path: string, env: Environment, service: Microservice, deployment: RenderedObject): void {
  const containers = ((deployment.spec as any)?.template?.spec?.containers ?? []) as { name: string; image: string }[];
  const own = containers.find((c) => c.name === service.containerName);
  if (!own) {
    throw new StagecraftError(
      path,
      `removed container ${service.containerName} in ${env.name}; allowed: changing it, adding others`,
    );
  }
  if (own.image !== service.image) {
    throw new StagecraftError(
      path,
      `changed the image of ${service.containerName} to ${JSON.stringify(own.image)} in ${env.name}; allowed: ${service.image}, its tag pinned by the overlay (npm run set-image)`,
    );
  }
}

function rendered(service: Microservice, env: Environment, inputs: RenderedInputs): RenderedObject[] {
  const { settings } = inputs;
  const objects = [...structuredClone(service.baseManifests()), ...structuredClone(inputs.extra)] as RenderedObject[];
  for (const o of objects) {
    const metadata = o.metadata as { namespace?: string; labels?: Record<string, string> };
    metadata.namespace = env.namespace;
    metadata.labels = { ...metadata.labels, environment: env.name };
    if (o.kind === 'ConfigMap') o.data = { ...(o.data as object), ...settings.environmentVariables };
    if (o.kind !== 'Deployment') continue;
    const spec = o.spec as Record<string, any>;
    if (settings.scaling.replicas !== undefined) spec.replicas = settings.scaling.replicas;
    const template = spec.template;
    template.metadata.labels = { ...template.metadata.labels, environment: env.name };
    template.metadata.annotations = { ...template.metadata.annotations, ...inputs.podAnnotations };
    const container = template.spec.containers.find((c: { name: string }) => c.name === service.containerName);
    if (settings.connectionEnv.length > 0) container.env = structuredClone(settings.connectionEnv);
    container.resources = structuredClone(settings.resources);
  }
  return objects;
}
