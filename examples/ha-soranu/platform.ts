import { App } from 'cdk8s';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  Exposure,
  Microservice,
  Platform,
  Scaling,
  SecretSource,
  SecretStoreProvider,
  SynthOptions,
} from '../../lib';

/**
 * Prod's secrets: AWS Secrets Manager in eu-central-1, where the first cluster and the primary
 * databases run (assumed: prod-us reads the same secrets across regions, one copy to rotate).
 * The operator assumes its IAM role through IRSA: the External Secrets chart's ServiceAccount
 * `external-secrets` in `external-secrets`, annotated with the role on each cluster. Synth writes
 * the store on both clusters, fenced to `ha-soranu`. The clusters' Argo CD credentials are read
 * on Argo CD's own cluster through a store of the same name managed there.
 */
const PROD_SECRETS = SecretSource.externalSecrets({
  storeName: 'aws-secrets-manager',
  keyPrefix: 'ha-soranu/prod',
  provider: SecretStoreProvider.awsSecretsManager({
    region: 'eu-central-1',
    serviceAccount: { namespace: 'external-secrets', name: 'external-secrets' },
  }),
});

/**
 * ha-soranu's environments (seed 001): in dev every datastore runs in the cluster; in prod
 * Postgres and Redis are managed services (endpoints from this table) and Kafka runs through
 * the Strimzi operator. Argo CD deploys prod to two regional clusters.
 */
export const environments = new EnvironmentTable([
  {
    name: 'dev',
    namespace: 'ha-soranu',
    purpose: 'Development cluster (Tilt)',
    scaling: Scaling.fixed(1),
    resources: { cpu: '250m', memory: '128Mi' },
    variables: { SRV_ENV: 'development' },
    datastores: { resources: { cpu: '250m', memory: '512Mi' }, storage: '2Gi' },
  },
  {
    name: 'prod',
    namespace: 'ha-soranu',
    scheduling: { priorityClassName: 'ha-soranu-critical', zoneSpread: true },
    purpose: 'Production (EKS/GKE/DigitalOcean), GitOps with Argo CD',
    promotedFrom: 'dev',
    requiresApproval: true,
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 8 }),
    resources: { cpu: '500m', memory: '256Mi' },
    variables: { SRV_ENV: 'production' },
    datastores: {
      topology: DatastoreTopology.HA,
      topologies: { postgres: DatastoreTopology.EXTERNAL, redis: DatastoreTopology.EXTERNAL },
      external: {
        postgres: { host: 'ha-soranu-prod.cluster-c1a2b3.eu-central-1.rds.amazonaws.com', port: 5432 },
        redis: { host: 'ha-soranu-prod.x7k2pq.ng.0001.euc1.cache.amazonaws.com', port: 6379 },
      },
      resources: { cpu: '1', memory: '2Gi' },
      storage: '50Gi',
    },
    secrets: PROD_SECRETS,
    validation: { requireNetworkPolicy: true },
    // Two regional EKS clusters, each on the managed Postgres and Redis of its region; they share
    // prod's image pins unless a wave (`npm run promote -- dev prod --cluster prod-eu`) splits them.
    clusters: [
      {
        name: 'prod-eu',
        server: 'https://C1A2B3D4E5F6.gr7.eu-central-1.eks.amazonaws.com',
        purpose: 'EKS eu-central-1',
        variables: { REGION: 'eu-central-1' },
        credentials: { storeName: 'aws-secrets-manager', key: 'argocd/clusters/prod-eu' },
      },
      {
        name: 'prod-us',
        server: 'https://D4E5F6A7B8C9.gr7.us-east-1.eks.amazonaws.com',
        purpose: 'EKS us-east-1',
        variables: { REGION: 'us-east-1' },
        scaling: Scaling.autoscale({ minReplicas: 3, maxReplicas: 12 }),
        datastores: {
          external: {
            postgres: { host: 'ha-soranu-prod.cluster-d4e5f6.us-east-1.rds.amazonaws.com', port: 5432 },
            redis: { host: 'ha-soranu-prod.y8m3rs.ng.0001.use1.cache.amazonaws.com', port: 6379 },
          },
        },
        credentials: { storeName: 'aws-secrets-manager', key: 'argocd/clusters/prod-us' },
      },
    ],
  },
]);

/** Builds ha-soranu: Go gRPC microservices behind an API gateway, on Postgres, Redis and Kafka. */
export function haSoranu(app: App): Platform {
  const platform = new Platform(app, 'ha-soranu', {
    environments,
    gitops: { repoURL: 'https://github.com/ha-soranu/ha-soranu-gitops.git' },
  });
  const postgres = new Datastore(platform, 'postgres', { engine: DatastoreEngine.POSTGRESQL, database: 'hasoranu' });
  const redis = new Datastore(platform, 'redis', { engine: DatastoreEngine.REDIS });
  const kafka = new Datastore(platform, 'kafka', { engine: DatastoreEngine.KAFKA });
  // Configured only through the seed's variables: PORT, POSTGRES_*, REDIS_ADDR, KAFKA_BROKERS.
  const db = postgres.fields({
    host: 'POSTGRES_HOST',
    port: 'POSTGRES_PORT',
    user: 'POSTGRES_USER',
    password: 'POSTGRES_PASSWORD',
  });
  const cache = redis.fields({ address: 'REDIS_ADDR' });
  const brokers = kafka.fields({ address: 'KAFKA_BROKERS' });
  const grpc = (name: string, port: number, connections: Record<string, ReturnType<Datastore['fields']>>) =>
    new Microservice(platform, name, {
      image: `ha-soranu/${name}`,
      initialTag: '0.4.0',
      port,
      protocol: 'grpc',
      variables: { PORT: `${port}` },
      connections,
    });
  const auth = grpc('auth-service', 50051, { postgres: db, redis: cache });
  const restaurant = grpc('restaurant-service', 50052, { postgres: db, redis: cache, kafka: brokers });
  const notification = grpc('notification-service', 50053, { postgres: db, kafka: brokers });
  new Microservice(platform, 'api-gateway', {
    image: 'ha-soranu/api-gateway',
    initialTag: '0.4.0',
    port: 8080,
    healthPath: '/healthz',
    exposure: Exposure.FRONTEND,
    variables: { PORT: '8080' },
    connections: { AUTH_SRV_ADDR: auth, RESTAURANT_SRV_ADDR: restaurant, NOTIFICATION_SRV_ADDR: notification },
  });
  return platform;
}

/** How `npm run examples` writes this example: bases in dist/, no repository targets in its Makefile. */
export const synthOptions: SynthOptions = { outdir: 'dist', makefileRepoTargets: false };
