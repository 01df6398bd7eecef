import { App } from 'cdk8s';
import {
  Alerting,
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentProps,
  EnvironmentTable,
  Exposure,
  Logging,
  Metrics,
  Microservice,
  NetworkPolicyMode,
  Objective,
  Platform,
  RolloutStrategy,
  Scaling,
  SecretSource,
  SecretStoreProvider,
  Sli,
  Tls,
  Tracing,
} from './lib';

/** The OpenTelemetry collector the deployed environments export traces to (OTLP over gRPC). */
const OTEL_COLLECTOR = 'http://otel-collector.observability.svc:4317';

/**
 * Prod's secrets: HashiCorp Vault's KV v2 engine at `secret/`, installed by its Helm chart
 * (Service `vault` in namespace `vault`, port 8200), read by the External Secrets Operator
 * (its chart's ServiceAccount `external-secrets` in `external-secrets`) through Vault's
 * Kubernetes auth role `craftista-prod`. Synth writes the ClusterSecretStore, fenced to
 * `craftista-prod`; no credential is in git.
 */
const PROD_SECRETS = SecretStoreProvider.vault({
  server: 'http://vault.vault.svc:8200',
  path: 'secret',
  role: 'craftista-prod',
  serviceAccount: { namespace: 'external-secrets', name: 'external-secrets' },
});

/**
 * Craftista's environment table (seed 003): the one place where dev, staging and prod differ.
 * A new environment is one more entry here.
 */
export const environmentProps: EnvironmentProps[] = [
  {
    name: 'dev',
    namespace: 'craftista-dev',
    purpose: 'Active development',
    scaling: Scaling.fixed(1),
    resources: { cpu: '100m', memory: '128Mi' },
    allowLatestTag: true,
    validation: { severities: { 'latest-tag': 'warning' } },
    variables: { LOG_LEVEL: 'DEBUG' },
    podSecurity: { enforce: 'baseline', warn: 'restricted' },
    networkPolicy: NetworkPolicyMode.ALLOW_NAMESPACE,
    ingress: { host: 'dev.craftista.local' },
    tls: Tls.selfSigned(),
    datastores: { topology: DatastoreTopology.SINGLE, resources: { cpu: '250m', memory: '256Mi' }, storage: '1Gi' },
    secrets: SecretSource.manual(),
    operations: {
      metrics: Metrics.basic(),
      logging: Logging.console(),
      tracing: Tracing.disabled(),
      alerts: Alerting.none(),
      secretsRotation: 'Manual',
      vulnerabilityScanning: 'Weekly',
      disasterRecovery: 'None',
      estimatedMonthlyCost: '$50-100',
      testing: ['Unit tests', 'Integration tests', 'Developer smoke tests', 'Rapid iteration'],
    },
    serviceVariables: {
      catalogue: { FLASK_DEBUG: 'True' },
      frontend: { NODE_ENV: 'development' },
      recommendation: { GIN_MODE: 'debug' },
    },
  },
  {
    name: 'staging',
    namespace: 'craftista-staging',
    purpose: 'Pre-production testing',
    scaling: Scaling.fixed(2),
    resources: { cpu: '200m', memory: '256Mi' },
    promotedFrom: 'dev',
    verification: {
      prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090',
      objective: Objective.availability(99.5),
      soakMinutes: 30,
    },
    variables: { LOG_LEVEL: 'INFO' },
    podSecurity: { enforce: 'restricted' },
    networkPolicy: NetworkPolicyMode.DEFAULT_DENY,
    validation: { requireNetworkPolicy: true },
    ingress: { host: 'staging.craftista.local' },
    // staging.craftista.local is a private name: no public CA (Let's Encrypt included) issues
    // it, so the certificate comes from the organisation's CA, whose key pair is a Secret.
    tls: Tls.privateCa('craftista-staging-ca'),
    datastores: {
      topology: DatastoreTopology.SINGLE,
      resources: { cpu: '500m', memory: '512Mi' },
      storage: '5Gi',
      backup: { schedule: '0 3 * * *', retentionDays: 7, storage: '10Gi' },
    },
    secrets: SecretSource.manual(),
    operations: {
      metrics: Metrics.full(),
      logging: Logging.aggregated(),
      tracing: Tracing.openTelemetry({ endpoint: OTEL_COLLECTOR }),
      alerts: Alerting.basic({ pageSeverity: 'warning', ticketSeverity: 'info', routingLabels: { team: 'craftista' } }),
      secretsRotation: 'Manual',
      vulnerabilityScanning: 'Daily',
      disasterRecovery: 'Manual',
      rtoHours: 4,
      rpoHours: 24,
      estimatedMonthlyCost: '$150-250',
      testing: [
        'Full integration tests',
        'End-to-end tests',
        'Performance tests',
        'Security scans',
        'UAT (User Acceptance Testing)',
        'Load testing',
      ],
    },
    serviceVariables: {
      catalogue: { FLASK_DEBUG: 'False' },
      frontend: { NODE_ENV: 'staging' },
      recommendation: { GIN_MODE: 'release' },
    },
  },
  {
    name: 'prod',
    namespace: 'craftista-prod',
    purpose: 'Production',
    scaling: Scaling.autoscale({ minReplicas: 3, maxReplicas: 10 }),
    resources: { cpu: '500m', memory: '512Mi' },
    promotedFrom: 'staging',
    requiresApproval: true,
    requiresVerifiedSource: true,
    // Seed 003: canary in prod, each step judged by the service's SLI against the 99.9 % below.
    rollout: RolloutStrategy.canary({
      steps: [
        { weight: 20, pause: '5m' },
        { weight: 50, pause: '10m' },
      ],
    }),
    verification: {
      prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090',
      objective: Objective.availability(99.9),
    },
    variables: { LOG_LEVEL: 'WARN' },
    podSecurity: { enforce: 'restricted' },
    networkPolicy: NetworkPolicyMode.DEFAULT_DENY,
    validation: { requireNetworkPolicy: true },
    ingress: { host: 'craftista.com', apiHost: 'api.craftista.com', apiPathPrefix: '' },
    tls: Tls.existingSecret('craftista-com-tls'),
    datastores: {
      topology: DatastoreTopology.HA,
      resources: { cpu: '1', memory: '1Gi' },
      storage: '20Gi',
      backup: { schedule: '0 * * * *', retentionDays: 30, storage: '50Gi', objectStore: 's3://craftista-backups/prod' },
    },
    secrets: SecretSource.externalSecrets({
      storeName: 'craftista-vault',
      keyPrefix: 'craftista/prod',
      provider: PROD_SECRETS,
    }),
    syncWindow: { startHour: 9, endHour: 17, days: '1-5', timeZone: 'UTC' },
    scheduling: { priorityClassName: 'craftista-critical', zoneSpread: true },
    operations: {
      metrics: Metrics.full(),
      logging: Logging.aggregated({ retentionDays: 30 }),
      tracing: Tracing.openTelemetry({ endpoint: OTEL_COLLECTOR, samplerRatio: 0.1 }),
      alerts: Alerting.comprehensive({ routingLabels: { team: 'craftista' } }),
      slo: Objective.availability(99.9),
      secretsRotation: 'Automated',
      vulnerabilityScanning: 'Daily',
      disasterRecovery: 'Automated',
      rtoHours: 1,
      rpoHours: 1,
      estimatedMonthlyCost: '$500-1000',
      testing: [
        'Smoke tests post-deployment',
        'Synthetic monitoring',
        'Real user monitoring',
        'Canary deployments',
        'Blue/green deployments',
      ],
    },
    serviceVariables: {
      catalogue: { FLASK_DEBUG: 'False' },
      frontend: { NODE_ENV: 'production' },
      recommendation: { GIN_MODE: 'release' },
    },
  },
  {
    name: 'kind',
    namespace: 'craftista',
    purpose: 'Everything in a local kind cluster',
    local: true,
    scaling: Scaling.fixed(1),
    resources: { cpu: '50m', memory: '64Mi', cpuLimit: '250m', memoryLimit: '256Mi' },
    initialImageTag: 'local',
    allowLatestTag: true,
    validation: { severities: { 'latest-tag': 'warning' } },
    variables: { LOG_LEVEL: 'DEBUG' },
    serviceVariables: {
      catalogue: { FLASK_DEBUG: 'True' },
      frontend: { NODE_ENV: 'development' },
      recommendation: { GIN_MODE: 'debug' },
    },
    podSecurity: { enforce: 'baseline', warn: 'restricted' },
    networkPolicy: NetworkPolicyMode.ALLOW_NAMESPACE,
    datastores: { topology: DatastoreTopology.SINGLE, resources: { cpu: '100m', memory: '256Mi' }, storage: '1Gi' },
  },
  {
    name: 'kind-headless',
    namespace: 'craftista',
    purpose: 'Datastores in kind; services run on the host (port-forwards)',
    local: true,
    runServices: false,
    scaling: Scaling.fixed(1),
    resources: { cpu: '50m', memory: '64Mi', cpuLimit: '250m', memoryLimit: '256Mi' },
    podSecurity: { enforce: 'baseline', warn: 'restricted' },
    networkPolicy: NetworkPolicyMode.ALLOW_NAMESPACE,
    datastores: { topology: DatastoreTopology.SINGLE, resources: { cpu: '100m', memory: '256Mi' }, storage: '1Gi' },
  },
];

/** The environment table built from `environmentProps`. */
export const environments = new EnvironmentTable(environmentProps);

/** Builds the Craftista platform into `app`. */
export function craftista(app: App): Platform {
  const platform = new Platform(app, 'craftista', {
    environments,
    gitops: { repoURL: 'https://github.com/craftista/craftista-gitops.git', targetRevision: 'main' },
  });
  const mongodb = new Datastore(platform, 'mongodb', { engine: DatastoreEngine.MONGODB });
  const postgresql = new Datastore(platform, 'postgresql', { engine: DatastoreEngine.POSTGRESQL });
  const redis = new Datastore(platform, 'redis', { engine: DatastoreEngine.REDIS });
  const catalogue = new Microservice(platform, 'catalogue', {
    image: 'craftista/catalogue',
    initialTag: '1.4.2',
    port: 5000,
    healthPath: '/api/products',
    exposure: Exposure.API,
    variables: { FLASK_APP: 'app.py' },
    connections: { MONGO_URI: mongodb },
    metrics: {},
  });
  const voting = new Microservice(platform, 'voting', {
    image: 'craftista/voting',
    initialTag: '2.1.0',
    port: 8080,
    healthPath: '/api/origamis',
    livenessInitialDelaySeconds: 60,
    exposure: Exposure.API,
    connections: { DATABASE_URL: postgresql },
    // Spring Boot's Micrometer endpoint and counter.
    metrics: { path: '/actuator/prometheus' },
    sli: Sli.http({ metric: 'http_server_requests_seconds_count', statusLabel: 'status' }),
  });
  const recommendation = new Microservice(platform, 'recommendation', {
    image: 'craftista/recommendation',
    initialTag: '1.2.5',
    port: 8080,
    healthPath: '/api/recommendation-status',
    exposure: Exposure.API,
    connections: { REDIS_URL: redis },
    metrics: {},
  });
  new Microservice(platform, 'frontend', {
    image: 'craftista/frontend',
    initialTag: '1.8.0',
    port: 3000,
    component: 'frontend',
    healthPath: '/',
    exposure: Exposure.FRONTEND,
    // No metrics endpoint, so no analysis could judge a canary: in prod the new version waits
    // behind frontend-preview until someone has looked at it and promotes (seed 003's blue/green).
    overrides: { prod: { rollout: RolloutStrategy.blueGreen() } },
    connections: {
      PRODUCTS_API_BASE_URI: catalogue,
      VOTING_BASE_URI: voting,
      RECOMMENDATION_BASE_URI: recommendation,
    },
  });
  return platform;
}
