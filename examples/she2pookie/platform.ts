import { App } from 'cdk8s';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  Exposure,
  Microservice,
  NetworkPolicyMode,
  Platform,
  renderSkaffold,
  Scaling,
  SecretSource,
  SecretStoreProvider,
  SynthOptions,
  Worker,
} from '../../lib';

/**
 * Prod's secrets: AWS Secrets Manager beside the EKS cluster, in us-east-1 (assumed: the seed
 * names no region; us-east-1 is AWS's default), read by the operator through IRSA with the
 * External Secrets chart's ServiceAccount `external-secrets` in `external-secrets`. Synth writes
 * the store, fenced to prod's namespace `she2pookie`.
 */
const PROD_SECRETS = SecretSource.externalSecrets({
  storeName: 'aws-secrets-manager',
  keyPrefix: 'she2pookie/prod',
  provider: SecretStoreProvider.awsSecretsManager({
    region: 'us-east-1',
    serviceAccount: { namespace: 'external-secrets', name: 'external-secrets' },
  }),
});

/**
 * she2pookie's run modes (seed 000) as an environment table: Local Headless (Redis and Kafka in
 * kind, the FastAPI app and the orchestrator on the host through port-forwards), Local Headed
 * (everything in kind), Deployed Headed / test (everything in kind, fresh images, no live
 * update) and prod on EKS.
 */
export const environments = new EnvironmentTable([
  {
    name: 'kind-headless',
    namespace: 'she2pookie',
    purpose: 'Redis and Kafka in kind; FastAPI and the orchestrator on the host',
    local: true,
    runServices: false,
    scaling: Scaling.fixed(1),
    resources: { cpu: '50m', memory: '128Mi', cpuLimit: '500m', memoryLimit: '512Mi' },
    networkPolicy: NetworkPolicyMode.ALLOW_NAMESPACE,
    datastores: {
      resources: { cpu: '250m', memory: '512Mi' },
      storage: '1Gi',
      // Host clients reach the broker through `kubectl port-forward service/kafka 9092:9092`.
      advertisedAddresses: { kafka: 'localhost:9092' },
    },
  },
  {
    name: 'kind',
    namespace: 'she2pookie',
    purpose: 'Local Headed: everything in kind, live update through Skaffold/Tilt',
    local: true,
    initialImageTag: 'dev',
    allowLatestTag: true,
    scaling: Scaling.fixed(1),
    resources: { cpu: '50m', memory: '128Mi', cpuLimit: '500m', memoryLimit: '512Mi' },
    variables: { LOG_LEVEL: 'DEBUG' },
    networkPolicy: NetworkPolicyMode.ALLOW_NAMESPACE,
    datastores: { resources: { cpu: '250m', memory: '512Mi' }, storage: '1Gi' },
  },
  {
    name: 'test',
    namespace: 'she2pookie-test',
    purpose: 'Deployed Headed: every service in kind, fresh images, no live update',
    local: true,
    scaling: Scaling.fixed(1),
    resources: { cpu: '100m', memory: '256Mi', cpuLimit: '500m', memoryLimit: '512Mi' },
    variables: { LOG_LEVEL: 'INFO' },
    datastores: { resources: { cpu: '250m', memory: '512Mi' }, storage: '2Gi' },
  },
  {
    name: 'prod',
    namespace: 'she2pookie',
    scheduling: { priorityClassName: 'she2pookie-critical', zoneSpread: true },
    purpose: 'Production on EKS: immutable images, automated rollouts',
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6 }),
    resources: { cpu: '500m', memory: '512Mi' },
    variables: { LOG_LEVEL: 'WARN' },
    datastores: { topology: DatastoreTopology.HA, resources: { cpu: '1', memory: '2Gi' }, storage: '20Gi' },
    secrets: PROD_SECRETS,
    validation: { requireNetworkPolicy: true },
    // Deployed by Argo CD to its own EKS cluster, registered in Argo CD under this name.
    clusters: [{ name: 'she2pookie-prod', purpose: 'EKS' }],
  },
]);

/** Builds she2pookie: a FastAPI service and an orchestrator on Redis and Kafka. */
export function she2pookie(app: App): Platform {
  const platform = new Platform(app, 'she2pookie', {
    environments,
    gitops: { repoURL: 'https://github.com/she2pookie/she2pookie-gitops.git' },
  });
  const redis = new Datastore(platform, 'redis', { engine: DatastoreEngine.REDIS });
  const kafka = new Datastore(platform, 'kafka', { engine: DatastoreEngine.KAFKA });
  new Microservice(platform, 'api', {
    image: 'she2pookie/api',
    initialTag: '0.9.0',
    port: 8000,
    healthPath: '/health',
    exposure: Exposure.API,
    command: ['uvicorn', 'src.app.main:app', '--host', '0.0.0.0', '--port', '8000'],
    connections: { REDIS_URL: redis, KAFKA_BOOTSTRAP_SERVERS: kafka },
  });
  new Worker(platform, 'orchestrator', {
    image: 'she2pookie/orchestrator',
    initialTag: '0.9.0',
    probeCommand: ['python', '-c', 'import os, sys; sys.exit(0 if os.path.exists("/tmp/healthy") else 1)'],
    connections: { REDIS_URL: redis, KAFKA_BOOTSTRAP_SERVERS: kafka },
  });
  return platform;
}

/** Skaffold profiles of seed 000, each deploying one environment overlay. */
export const SKAFFOLD_PROFILES = { dev: 'kind', test: 'test', prod: 'prod' };
/** Images Skaffold builds, by their build context. */
export const SKAFFOLD_IMAGES = { 'she2pookie/api': 'src/app', 'she2pookie/orchestrator': 'src/orchestrator' };

/** How `npm run examples` writes this example: bases in dist/, skaffold.yaml beside them, no repository targets. */
export const synthOptions: SynthOptions = {
  outdir: 'dist',
  makefileRepoTargets: false,
  extraFiles: { 'skaffold.yaml': renderSkaffold('she2pookie', SKAFFOLD_PROFILES, SKAFFOLD_IMAGES, 'overlays') },
};
