/** A JSON Schema (draft-07 subset) describing one custom resource kind, used by `npm run validate`. */
export interface JsonSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly (string | number | boolean)[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** The schema of one custom resource kind (the whole object: apiVersion, kind, metadata, spec). */
export interface CrdSchema {
  /** `group/version`, e.g. `cert-manager.io/v1`. */
  readonly apiVersion: string;
  /** Kind, e.g. `Certificate`. */
  readonly kind: string;
  /** Schema of `spec` (and `status` if ever rendered); metadata is checked by the gate itself. */
  readonly schema: JsonSchema;
}
