/**
 * Input checks shared by every construct. Each returns nothing and throws a one-line
 * `StagecraftError` naming the construct path, the bad value and what is allowed.
 */

import { Construct } from 'constructs';
import { StagecraftError } from './errors';
import { quantityValue } from './quantity';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Throws unless `value` is a DNS-1123 label (lowercase alphanumerics and '-', at most 63). */
export function checkDnsLabel(path: string, what: string, value: string): void {
  if (value.length > 63 || !DNS_1123_LABEL.test(value)) {
    throw new StagecraftError(
      path,
      `${what} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with an alphanumeric, at most 63 characters), got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Throws unless `value` is a Kubernetes resource quantity such as `500m`, `128Mi`, `2` or `2e0`
 * (the grammar the arithmetic of `core/quantity.ts` reads too, so a value accepted here never
 * fails later). `what` naming memory or storage also refuses the millibyte suffix `m`, which
 * Kubernetes accepts but nobody means (`512m` is half a byte; `512Mi` was meant).
 */
export function checkQuantity(path: string, what: string, value: string): void {
  const amount = typeof value === 'string' ? quantityValue(value) : undefined;
  if (amount === undefined || amount < 0) {
    throw new StagecraftError(
      path,
      `${what} must be a Kubernetes quantity such as 500m, 0.5, 128Mi or 1Gi, got ${JSON.stringify(value)}`,
    );
  }
  if (/memory|storage/.test(what) && value.endsWith('m')) {
    throw new StagecraftError(
      path,
      `${what} ${JSON.stringify(value)} is in millibytes; allowed: bytes with a suffix such as ${value.slice(0, -1)}Mi or ${value.slice(0, -1)}M`,
    );
  }
}

/** Throws unless `value` is a TCP port number (1-65535). */
export function checkPort(path: string, what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new StagecraftError(path, `${what} must be an integer from 1 to 65535, got ${value}`);
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function checkMinimum(path: string, what: string, value: number, min: number): void {
  if (!Number.isInteger(value)) {
    throw new StagecraftError(path, `${what} must be a whole number, got ${value}`);
  }
  if (value < min) {
    throw new StagecraftError(path, `${what} must be >= ${min}, got ${value}`);
  }
}

/** Throws unless every key of `variables` is a valid environment variable name. */
export function checkVariables(path: string, variables: Record<string, string>): void {
  for (const [name, value] of Object.entries(variables)) {
    if (!ENV_VAR_NAME.test(name)) {
      throw new StagecraftError(
        path,
        `environment variable name must match ${ENV_VAR_NAME.source}, got ${JSON.stringify(name)}`,
      );
    }
    if (typeof value !== 'string') {
      throw new StagecraftError(path, `environment variable ${name} must be a string, got ${JSON.stringify(value)}`);
    }
  }
}

/** `id` when `scope` has no child of that name yet; otherwise a one-line duplicate error. */
export function uniqueChildId(scope: Construct, id: string, what: string): string {
  if (scope.node.tryFindChild(id)) {
    throw new StagecraftError(
      scope.node.path,
      `duplicate ${what} ${JSON.stringify(id)}: every service and datastore needs its own name`,
    );
  }
  return id;
}

/**
 * Throws when a ConfigMap variable holds a Kubernetes reference `$(VAR)`: only a container's
 * `env` entries expand it, never variables read with `envFrom`, so the pod would see it literally.
 */
export function checkNoReferences(path: string, variables: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string' && /\$\([A-Za-z_][A-Za-z0-9_]*\)/.test(value)) {
      throw new StagecraftError(
        path,
        `variable ${name} is ${JSON.stringify(value)}, but $(VAR) is never expanded in a ConfigMap; allowed: a literal value, or a connection template`,
      );
    }
  }
}
