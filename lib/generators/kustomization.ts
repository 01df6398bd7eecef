import { ImagePin } from '../kube/image-pin';

/** An image entry of a kustomization: the repository and the pin an overlay holds for it. */
export interface KustomizationImage extends ImagePin {
  /** Image repository, as the base names it. */
  readonly name: string;
}

/** Fields of one generated `kustomization.yaml`, in the order they are written. */
export interface KustomizationProps {
  /**
   * Namespace every object is moved into.
   * @default - none
   */
  readonly namespace?: string;
  /** Bases, directories and files, as written (callers sort where the order has no meaning). */
  readonly resources: readonly string[];
  /**
   * Components (e.g. a service's PodDisruptionBudget).
   * @default - none
   */
  readonly components?: readonly string[];
  /**
   * Transformer configurations (e.g. the Rollout's, so images and names reach custom kinds).
   * @default - none
   */
  readonly configurations?: readonly string[];
  /**
   * Labels added to every object and pod template.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Image pins.
   * @default - none
   */
  readonly images?: readonly KustomizationImage[];
  /**
   * Patch files: a strategic-merge patch by its path, or a JSON patch with its target.
   * @default - none
   */
  readonly patches?: readonly (string | KustomizationPatch)[];
}

/** A patch file that needs a target (a JSON 6902 patch). */
export interface KustomizationPatch {
  /** File path. */
  readonly path: string;
  /** The object it applies to. */
  readonly target: { readonly kind: string; readonly name: string };
}

const API_VERSION = 'kustomize.config.k8s.io/v1beta1';

/** A Kustomization object with a stable key order, ready to serialize. */
export function kustomization(props: KustomizationProps): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'Kustomization',
    ...(props.namespace !== undefined ? { namespace: props.namespace } : {}),
    resources: [...props.resources],
    ...(props.components && props.components.length > 0 ? { components: [...props.components] } : {}),
    ...(props.configurations && props.configurations.length > 0 ? { configurations: [...props.configurations] } : {}),
    ...(props.labels ? { labels: [{ pairs: { ...props.labels }, includeTemplates: true }] } : {}),
    ...(props.images && props.images.length > 0 ? { images: props.images.map((i) => ({ ...i })) } : {}),
    ...(props.patches && props.patches.length > 0
      ? {
          patches: props.patches.map((p) =>
            typeof p === 'string' ? { path: p } : { path: p.path, target: { ...p.target } },
          ),
        }
      : {}),
  };
}

/** A Kustomize Component listing `resources` (sorted), e.g. a PodDisruptionBudget environments opt into. */
export function kustomizeComponent(resources: readonly string[]): Record<string, unknown> {
  return { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: [...resources].sort() };
}
