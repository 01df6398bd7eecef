import { App } from 'cdk8s';
import {
  Alerting,
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  JobGrant,
  JobTemplate,
  Logging,
  Metrics,
  Microservice,
  NamespaceBundle,
  Platform,
  Scaling,
  SecretSource,
  SecretStoreProvider,
  SharedConfig,
  Sli,
  SynthOptions,
  Tracing,
} from '../../lib';

/**
 * The vision platform's cluster tiers (seed 002). Tier 1 runs on the host (subprocess/local)
 * and has no manifests. Both clusters use the namespaces `platform` and `training`; the only
 * differences are variables, as the seed insists: `sharedVariables` are the data of the
 * shared ConfigMap `platform-config`.
 */
export const environments = new EnvironmentTable([
  {
    name: 'kind',
    namespace: 'platform',
    purpose: 'Tier 2: local Kubernetes (Kind) with PostgreSQL, Redis and MinIO',
    scaling: Scaling.fixed(1),
    resources: { cpu: '250m', memory: '512Mi' },
    allowLatestTag: true,
    sharedVariables: { EXECUTION_MODE: 'kubernetes', STORAGE_TYPE: 'minio' },
    // Seed 002 runs Prometheus, Grafana and Loki in the kind cluster: the backend is scraped there.
    operations: { metrics: Metrics.basic(), logging: Logging.aggregated() },
  },
  {
    name: 'prod',
    namespace: 'platform',
    scheduling: { priorityClassName: 'vision-critical', zoneSpread: true },
    purpose: 'Tier 3: production cluster with managed PostgreSQL and Cloudflare R2',
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6 }),
    resources: { cpu: '500m', memory: '1Gi' },
    promotedFrom: 'kind',
    requiresApproval: true,
    sharedVariables: { EXECUTION_MODE: 'kubernetes', STORAGE_TYPE: 'r2' },
    // "Full observability stack": Prometheus and Grafana, logs in Loki, traces in Grafana Tempo.
    operations: {
      metrics: Metrics.full(),
      alerts: Alerting.basic(),
      logging: Logging.aggregated(),
      tracing: Tracing.openTelemetry({ endpoint: 'http://tempo.monitoring.svc:4317', samplerRatio: 0.25 }),
    },
    // "production-secret-from-1password" (seed 002): platform-secrets and the R2 keys are synced
    // through 1Password Connect (its Helm chart's Service, in namespace onepassword, with its
    // token); synth writes the ClusterSecretStore, admitting namespace platform only.
    secrets: SecretSource.externalSecrets({
      storeName: 'onepassword',
      keyPrefix: 'vision-platform/prod',
      provider: SecretStoreProvider.onePasswordConnect({
        connectHost: 'http://onepassword-connect.onepassword.svc:8080',
        vaults: { 'vision-platform': 1 },
        tokenSecret: { namespace: 'onepassword', name: 'onepassword-connect-token', key: 'token' },
      }),
    }),
    // Managed PostgreSQL and Cloudflare R2 (same S3 API as MinIO); Redis stays in the cluster.
    datastores: {
      topologies: { postgres: DatastoreTopology.EXTERNAL, minio: DatastoreTopology.EXTERNAL },
      external: {
        postgres: { host: 'db.example.com', port: 5432 },
        minio: { host: '7c1f2e9a4b3d5e6f.r2.cloudflarestorage.com', port: 443 },
      },
    },
    // Tier 3 is a cloud cluster of its own; the kind tier is Argo CD's own cluster.
    clusters: [{ name: 'vision-prod', purpose: 'Cloud cluster (Railway / AWS / on-premise)' }],
  },
]);

/** Builds the vision platform into `app`. */
export function visionPlatform(app: App): Platform {
  const platform = new Platform(app, 'vision-platform', {
    environments,
    gitops: { repoURL: 'https://github.com/vision-platform/vision-platform-gitops.git' },
  });
  const frontend = new Microservice(platform, 'frontend', {
    image: 'vision-platform/frontend',
    initialTag: '0.1.0',
    port: 3000,
    component: 'frontend',
    healthPath: '/',
  });
  // Seed 002's kind tier runs postgres, redis and minio pods in platform; prod keeps only Redis.
  const postgres = new Datastore(platform, 'postgres', { engine: DatastoreEngine.POSTGRESQL, database: 'platform' });
  const redis = new Datastore(platform, 'redis', { engine: DatastoreEngine.REDIS });
  const minio = new Datastore(platform, 'minio', { engine: DatastoreEngine.MINIO });
  const backend = new Microservice(platform, 'backend', {
    image: 'vision-platform/backend',
    initialTag: '0.1.0',
    port: 8000,
    healthPath: '/health',
    // FastAPI with prometheus-fastapi-instrumentator: /metrics, statuses grouped as 2xx..5xx.
    metrics: {},
    sli: Sli.http({ statusLabel: 'status' }),
    // The same boto3 code in every tier: only the endpoint (shared) and the keys differ (seed 002).
    connections: {
      storage: minio.fields({ user: 'AWS_ACCESS_KEY_ID', password: 'AWS_SECRET_ACCESS_KEY' }),
    },
  });
  // Seed 002's "ConfigMap: platform-config" and "Secret: platform-secrets", read by both services.
  // The URLs come from the datastores in each tier, without credentials: those arrive as
  // POSTGRES_USERNAME / POSTGRES_PASSWORD / REDIS_PASSWORD Secret references.
  new SharedConfig(platform, 'platform-config', {
    consumers: [frontend, backend],
    variables: { BACKEND_BASE_URL: backend.url, JWT_ALGORITHM: 'HS256' },
    connections: { DATABASE_URL: postgres, REDIS_URL: redis, S3_ENDPOINT: minio },
    // The frontend reads platform-config for BACKEND_BASE_URL; only the backend talks to the datastores.
    connectedConsumers: [backend],
    secret: { name: 'platform-secrets', keys: ['JWT_SECRET', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY'] },
  });
  const training = new NamespaceBundle(platform, 'training', {
    namespace: 'training',
    initialTags: { 'vision-platform/trainer': '0.1.0' },
  });
  const trainer = new JobTemplate(training.chart, 'trainer', {
    namespace: 'training',
    image: 'vision-platform/trainer',
    resources: { cpu: '2', memory: '4Gi', cpuLimit: '4', memoryLimit: '8Gi' },
    command: ['python', 'train.py'],
    variables: { BACKEND_BASE_URL: 'http://backend.platform.svc.cluster.local:8000' },
    // The Jobs report to the backend: the one path out of training besides the DNS.
    dependsOn: [backend],
  });
  new JobGrant(training.chart, 'backend-grant', { template: trainer, service: backend, serviceNamespace: 'platform' });
  return platform;
}

/** How `npm run examples` writes this example: bases in dist/, no repository targets in its Makefile. */
export const synthOptions: SynthOptions = { outdir: 'dist', makefileRepoTargets: false };
