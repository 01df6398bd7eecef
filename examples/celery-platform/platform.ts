import { App } from 'cdk8s';
import {
  checkRequiredVariables,
  EnvironmentTable,
  Microservice,
  Platform,
  Scaling,
  SecretSource,
  Worker,
} from '../../lib';

/**
 * The celery platform's environment table (seed 004). Preprod is "production-like" in the seed
 * and so mirrors production (Redis cluster, 30-day retention). Retention is Celery's
 * `result_expires` in seconds; the database URL carries no password (libpq reads PGPASSWORD
 * from the secret), so PgBouncer versus a direct connection is plain data here.
 */
export const environments = new EnvironmentTable([
  {
    name: 'local',
    namespace: 'celery-local',
    purpose: 'Individual development (.env secrets)',
    scaling: Scaling.fixed(1),
    resources: { cpu: '100m', memory: '256Mi' },
    allowLatestTag: true,
    variables: {
      CELERY_RESULT_EXPIRES: '86400',
      DATABASE_URL: 'postgresql://celery@postgres:5432/celery',
      ENVIRONMENT: 'local',
      LOG_LEVEL: 'DEBUG',
      REDIS_URL: 'redis://redis:6379/0',
    },
  },
  {
    name: 'development',
    namespace: 'celery-development',
    secrets: SecretSource.externalSecrets({ storeName: 'infisical', keyPrefix: 'celery-platform/development' }),
    purpose: 'Team collaboration (Infisical + Kubernetes secrets)',
    scaling: Scaling.fixed(1),
    resources: { cpu: '250m', memory: '512Mi' },
    variables: {
      CELERY_RESULT_EXPIRES: '259200',
      DATABASE_URL: 'postgresql://celery@pgbouncer:6432/celery',
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'DEBUG',
      REDIS_URL: 'redis://redis:6379/0',
    },
  },
  {
    name: 'staging',
    namespace: 'celery-staging',
    secrets: SecretSource.externalSecrets({ storeName: 'infisical', keyPrefix: 'celery-platform/staging' }),
    purpose: 'Pre-release testing (Infisical + Kubernetes secrets)',
    scaling: Scaling.fixed(2),
    resources: { cpu: '500m', memory: '512Mi' },
    promotedFrom: 'development',
    variables: {
      CELERY_RESULT_EXPIRES: '604800',
      DATABASE_URL: 'postgresql://celery@pgbouncer:6432/celery',
      ENVIRONMENT: 'staging',
      LOG_LEVEL: 'INFO',
      REDIS_URL: 'redis://redis:6379/0',
    },
  },
  {
    name: 'preprod',
    namespace: 'celery-preprod',
    secrets: SecretSource.externalSecrets({ storeName: 'infisical', keyPrefix: 'celery-platform/preprod' }),
    purpose: 'Final validation, production-like (Infisical + Kubernetes secrets)',
    scaling: Scaling.fixed(2),
    resources: { cpu: '500m', memory: '1Gi' },
    promotedFrom: 'staging',
    requiresApproval: true,
    variables: {
      CELERY_RESULT_EXPIRES: '2592000',
      DATABASE_URL: 'postgresql://celery@pgbouncer:6432/celery',
      ENVIRONMENT: 'preprod',
      LOG_LEVEL: 'INFO',
      REDIS_URL: 'redis://redis-cluster:6379/0',
    },
  },
  {
    name: 'production',
    namespace: 'celery-production',
    secrets: SecretSource.externalSecrets({
      storeName: 'infisical-azure-key-vault',
      keyPrefix: 'celery-platform/production',
    }),
    purpose: 'Live user traffic (Infisical + Azure Key Vault)',
    scaling: Scaling.autoscale({ minReplicas: 3, maxReplicas: 10 }),
    resources: { cpu: '1', memory: '1Gi' },
    promotedFrom: 'preprod',
    requiresApproval: true,
    variables: {
      CELERY_RESULT_EXPIRES: '2592000',
      DATABASE_URL: 'postgresql://celery@pgbouncer:6432/celery',
      ENVIRONMENT: 'production',
      LOG_LEVEL: 'WARNING',
      REDIS_URL: 'redis://redis-cluster:6379/0',
    },
  },
]);

/** Keys of the `celery-secrets` Secret: `.env` locally, synced by Infisical in the cloud. */
export const SECRET_KEYS = [
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_STORAGE_ACCOUNT',
  'AZURE_TENANT_ID',
  'PGPASSWORD',
];

/** The seed's required variables, checked for every service in every environment. */
export const REQUIRED = [
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_STORAGE_ACCOUNT',
  'AZURE_TENANT_ID',
  'DATABASE_URL',
  'ENVIRONMENT',
  'REDIS_URL',
];

/** Builds the celery platform into `app` and checks its required variables. */
export function celeryPlatform(app: App): Platform {
  const platform = new Platform(app, 'celery-platform', { environments });
  const secretVariables = Object.fromEntries(SECRET_KEYS.map((key) => [key, { secret: 'celery-secrets', key }]));
  new Microservice(platform, 'web', {
    image: 'celery-platform/backend',
    initialTag: '1.0.0',
    port: 8000,
    command: ['gunicorn', '--bind', '0.0.0.0:8000', 'app.wsgi'],
    secretVariables,
  });
  new Worker(platform, 'worker', {
    image: 'celery-platform/backend',
    initialTag: '1.0.0',
    command: ['celery', '-A', 'app', 'worker', '--loglevel', 'INFO'],
    probeCommand: ['sh', '-c', 'celery -A app inspect ping -d celery@$HOSTNAME'],
    secretVariables,
    overrides: {
      local: { scaling: Scaling.fixed(1) },
      development: { scaling: Scaling.fixed(2) },
      staging: { scaling: Scaling.fixed(3) },
      preprod: { scaling: Scaling.fixed(5) },
      production: { scaling: Scaling.autoscale({ minReplicas: 5, maxReplicas: 20 }) },
    },
  });
  checkRequiredVariables(platform, { web: REQUIRED, worker: REQUIRED });
  return platform;
}
