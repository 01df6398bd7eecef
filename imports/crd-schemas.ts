import { CrdSchema } from './crd-schema';

/**
 * Schemas of every custom resource kind the platform renders, checked by `npm run validate`.
 * Each CRD's typed props file under `imports/` contributes its schemas here.
 */
export const CRD_SCHEMAS: readonly CrdSchema[] = [];
