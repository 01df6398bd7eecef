import { shape } from '../core/props-shape';

/** A Pod Security Standard level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Pod Security admission labels of an environment's namespace. */
export interface PodSecurityProps {
  /** Level whose violations are rejected. */
  readonly enforce: PodSecurityLevel;
  /**
   * Level whose violations are returned as warnings to the client.
   * @default - the enforce level
   */
  readonly warn?: PodSecurityLevel;
  /**
   * Level whose violations are recorded in the audit log.
   * @default - the warn level
   */
  readonly audit?: PodSecurityLevel;
}

/** The `pod-security.kubernetes.io/*` namespace labels for `props`. */
export function podSecurityLabels(props: PodSecurityProps): Record<string, string> {
  const warn = props.warn ?? props.enforce;
  const audit = props.audit ?? warn;
  return {
    'pod-security.kubernetes.io/audit': audit,
    'pod-security.kubernetes.io/enforce': props.enforce,
    'pod-security.kubernetes.io/warn': warn,
  };
}

const LEVEL = { oneOf: ['privileged', 'baseline', 'restricted'] } as const;

/** The keys of `PodSecurityProps`, checked at run time. */
export const POD_SECURITY_SHAPE = shape<PodSecurityProps>('PodSecurityProps', {
  enforce: LEVEL,
  warn: LEVEL,
  audit: LEVEL,
});
