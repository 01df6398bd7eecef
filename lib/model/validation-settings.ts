import { shape } from '../core/props-shape';

/** How bad a finding is. `off` drops it. */
export type Severity = 'error' | 'warning' | 'off';

/** How strictly `npm run validate` judges one environment. */
export interface ValidationProps {
  /**
   * Every pod must be selected by a NetworkPolicy.
   * @default false
   */
  readonly requireNetworkPolicy?: boolean;
  /**
   * Every long-running workload must have a PodDisruptionBudget.
   * @default - the environment's `disruptionBudget`
   */
  readonly requireDisruptionBudget?: boolean;
  /**
   * Severity per check id, e.g. `{ 'latest-tag': 'warning' }`; checks not named are errors.
   * @default {}
   */
  readonly severities?: Readonly<Record<string, Severity>>;
  /**
   * Kubernetes version the environment runs, `major.minor`, for the removed-API check.
   * @default '1.33'
   */
  readonly kubernetesVersion?: string;
  /**
   * Secrets created outside the rendered manifests (by hand, or by an operator not modelled),
   * which references may name.
   * @default []
   */
  readonly externalSecrets?: readonly string[];
}

/** `ValidationProps` with every default filled. */
export interface ValidationSettings {
  /** See `ValidationProps.requireNetworkPolicy`. */
  readonly requireNetworkPolicy: boolean;
  /** See `ValidationProps.requireDisruptionBudget`. */
  readonly requireDisruptionBudget: boolean;
  /** See `ValidationProps.severities`. */
  readonly severities: Readonly<Record<string, Severity>>;
  /** See `ValidationProps.kubernetesVersion`. */
  readonly kubernetesVersion: string;
  /** See `ValidationProps.externalSecrets`. */
  readonly externalSecrets: readonly string[];
}

/** Fills the defaults of `props` once; `disruptionBudget` is the environment's own setting. */
export function resolveValidation(props: ValidationProps = {}, disruptionBudget = false): ValidationSettings {
  return {
    requireNetworkPolicy: props.requireNetworkPolicy ?? false,
    requireDisruptionBudget: props.requireDisruptionBudget ?? disruptionBudget,
    severities: props.severities ?? {},
    kubernetesVersion: props.kubernetesVersion ?? '1.33',
    externalSecrets: props.externalSecrets ?? [],
  };
}

/** The keys of `ValidationProps`, checked at run time. */
export const VALIDATION_SHAPE = shape<ValidationProps>('ValidationProps', {
  requireNetworkPolicy: 'boolean',
  requireDisruptionBudget: 'boolean',
  severities: { mapOf: { oneOf: ['error', 'warning', 'off'] } },
  kubernetesVersion: 'string',
  externalSecrets: 'strings',
});
