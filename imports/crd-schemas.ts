import { CERT_MANAGER_SCHEMAS } from './cert-manager';
import { CrdSchema } from './crd-schema';
import { DATABASE_SCHEMAS } from './databases';
import { EXTERNAL_SECRETS_SCHEMAS } from './external-secrets';
import { MONITORING_SCHEMAS } from './monitoring';
import { STRIMZI_SCHEMAS } from './strimzi';

/**
 * Schemas of every custom resource kind the platform renders, checked by `npm run validate`.
 * Each CRD's typed props file under `imports/` contributes its schemas here.
 */
export const CRD_SCHEMAS: readonly CrdSchema[] = [
  ...CERT_MANAGER_SCHEMAS,
  ...EXTERNAL_SECRETS_SCHEMAS,
  ...DATABASE_SCHEMAS,
  ...STRIMZI_SCHEMAS,
  ...MONITORING_SCHEMAS,
];
