import { App } from 'cdk8s';
import {
  checkRequiredVariables,
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  Microservice,
  Platform,
  Scaling,
  SecretSource,
  SecretStoreProvider,
  SynthOptions,
  Worker,
} from '../../lib';

/** Datastore pods below production. */
const DATASTORE_RESOURCES = { cpu: '250m', memory: '512Mi' };
/** Production's datastores, mirrored by preprod: CloudNativePG with 2 standbys and its Pooler, a Redis Cluster. */
const PRODUCTION_DATASTORES = {
  resources: { cpu: '500m', memory: '1Gi' },
  storage: '10Gi',
  topologies: { postgres: DatastoreTopology.HA, redis: DatastoreTopology.CLUSTER },
  replicas: { postgres: 2 },
  poolers: { postgres: { instances: 3 } },
};

/**
 * The cloud environments' secrets (seed 004: "Infisical + K8s secrets"): Infisical Cloud's API,
 * project `celery-platform`, whose environments are named like the table's. Each environment
 * logs in as a machine identity of its own (Universal Auth), its client ID and secret in Secret
 * `infisical-celery-<env>` of namespace `external-secrets`, created out of band. Remote keys are
 * absolute paths, `/celery-platform/<secret>` (a folder of the environment), each secret's value
 * JSON with one property per key: keys without a leading `/` would be names in `secretsPath`.
 */
function infisical(env: string): SecretSource {
  const credentials = { namespace: 'external-secrets', name: `infisical-celery-${env}` };
  return SecretSource.externalSecrets({
    storeName: 'infisical',
    keyPrefix: '/celery-platform',
    provider: SecretStoreProvider.infisical({
      projectSlug: 'celery-platform',
      environmentSlug: env,
      clientId: { ...credentials, key: 'clientId' },
      clientSecret: { ...credentials, key: 'clientSecret' },
    }),
  });
}

/**
 * Production's secrets (seed 004: "Infisical + Azure Vault"): Infisical syncs the production
 * environment into Azure Key Vault `celery-production`, which the operator reads with Workload
 * Identity (the External Secrets chart's ServiceAccount `external-secrets`, federated with an
 * Entra ID identity through its annotations), so production's cluster holds no Infisical
 * credential. Key Vault names are `secret/<name>` (object type, then a name of letters, digits
 * and '-'), each value JSON with one property per key.
 */
const PRODUCTION_SECRETS = SecretSource.externalSecrets({
  storeName: 'infisical-azure-key-vault',
  keyPrefix: 'secret',
  provider: SecretStoreProvider.azureKeyVault({
    vaultUrl: 'https://celery-production.vault.azure.net',
    serviceAccount: { namespace: 'external-secrets', name: 'external-secrets' },
  }),
});

/**
 * The celery platform's environment table (seed 004). Preprod is "production-like" in the seed
 * and so mirrors production (Redis Cluster, 30-day retention). Retention is Celery's
 * `result_expires` in seconds. The seed's database table is datastore data: PostgreSQL 16
 * directly in local, behind PgBouncer from development on (a Deployment in front of the single
 * instance; CloudNativePG's Pooler in front of its cluster), with 1 standby in staging and 2 in
 * preprod and production; Redis a single node, except a Redis Cluster in preprod and production.
 * `DATABASE_URL` and `REDIS_URL` come from the services' connections, so they follow.
 */
export const environments = new EnvironmentTable([
  {
    name: 'local',
    namespace: 'celery-local',
    purpose: 'Individual development (.env secrets)',
    scaling: Scaling.fixed(1),
    resources: { cpu: '100m', memory: '256Mi' },
    allowLatestTag: true,
    datastores: { resources: DATASTORE_RESOURCES },
    variables: {
      CELERY_RESULT_EXPIRES: '86400',
      ENVIRONMENT: 'local',
      LOG_LEVEL: 'DEBUG',
    },
  },
  {
    name: 'development',
    namespace: 'celery-development',
    secrets: infisical('development'),
    purpose: 'Team collaboration (Infisical + Kubernetes secrets)',
    scaling: Scaling.fixed(1),
    resources: { cpu: '250m', memory: '512Mi' },
    datastores: { resources: DATASTORE_RESOURCES, poolers: { postgres: { instances: 1 } } },
    variables: {
      CELERY_RESULT_EXPIRES: '259200',
      ENVIRONMENT: 'development',
      LOG_LEVEL: 'DEBUG',
    },
  },
  {
    name: 'staging',
    namespace: 'celery-staging',
    secrets: infisical('staging'),
    purpose: 'Pre-release testing (Infisical + Kubernetes secrets)',
    scaling: Scaling.fixed(2),
    resources: { cpu: '500m', memory: '512Mi' },
    promotedFrom: 'development',
    datastores: {
      resources: DATASTORE_RESOURCES,
      topologies: { postgres: DatastoreTopology.HA },
      replicas: { postgres: 1 },
      poolers: { postgres: { instances: 2 } },
    },
    variables: {
      CELERY_RESULT_EXPIRES: '604800',
      ENVIRONMENT: 'staging',
      LOG_LEVEL: 'INFO',
    },
  },
  {
    name: 'preprod',
    namespace: 'celery-preprod',
    secrets: infisical('preprod'),
    purpose: 'Final validation, production-like (Infisical + Kubernetes secrets)',
    scaling: Scaling.fixed(2),
    resources: { cpu: '500m', memory: '1Gi' },
    promotedFrom: 'staging',
    requiresApproval: true,
    datastores: PRODUCTION_DATASTORES,
    variables: {
      CELERY_RESULT_EXPIRES: '2592000',
      ENVIRONMENT: 'preprod',
      LOG_LEVEL: 'INFO',
    },
  },
  {
    name: 'production',
    namespace: 'celery-production',
    scheduling: { priorityClassName: 'celery-critical', zoneSpread: true },
    secrets: PRODUCTION_SECRETS,
    purpose: 'Live user traffic (Infisical + Azure Key Vault)',
    scaling: Scaling.autoscale({ minReplicas: 3, maxReplicas: 10 }),
    resources: { cpu: '1', memory: '1Gi' },
    promotedFrom: 'preprod',
    requiresApproval: true,
    datastores: PRODUCTION_DATASTORES,
    variables: {
      CELERY_RESULT_EXPIRES: '2592000',
      ENVIRONMENT: 'production',
      LOG_LEVEL: 'WARNING',
    },
  },
]);

/**
 * Keys of the `celery-secrets` Secret: `.env` locally, synced by Infisical in the cloud. The
 * database and Redis passwords live in the datastores' own `<name>-credentials` Secrets.
 */
export const SECRET_KEYS = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_STORAGE_ACCOUNT', 'AZURE_TENANT_ID'];

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
  const postgres = new Datastore(platform, 'postgres', { engine: DatastoreEngine.POSTGRESQL, database: 'celery' });
  const redis = new Datastore(platform, 'redis', { engine: DatastoreEngine.REDIS });
  const connections = { DATABASE_URL: postgres, REDIS_URL: redis };
  new Microservice(platform, 'web', {
    image: 'celery-platform/backend',
    initialTag: '1.0.0',
    port: 8000,
    command: ['gunicorn', '--bind', '0.0.0.0:8000', 'app.wsgi'],
    secretVariables,
    connections,
  });
  new Worker(platform, 'worker', {
    image: 'celery-platform/backend',
    initialTag: '1.0.0',
    command: ['celery', '-A', 'app', 'worker', '--loglevel', 'INFO'],
    probeCommand: ['sh', '-c', 'celery -A app inspect ping -d celery@$HOSTNAME'],
    secretVariables,
    connections,
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

/** How `npm run examples` writes this example: bases in dist/, no repository targets in its Makefile. */
export const synthOptions: SynthOptions = { outdir: 'dist', makefileRepoTargets: false };
