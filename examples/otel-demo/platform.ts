import { App } from 'cdk8s';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  Exposure,
  LETS_ENCRYPT_PRODUCTION,
  Microservice,
  MicroserviceProps,
  NetworkPolicyMode,
  Platform,
  Probe,
  Scaling,
  SecretSource,
  SecretStoreProvider,
  SynthOptions,
  Tls,
  VolumeSource,
  Worker,
} from '../../lib';

/**
 * The OpenTelemetry Demo ("Astronomy Shop", github.com/open-telemetry/opentelemetry-demo) as a
 * Stagecraft platform: its application services and datastores as published in
 * `kubernetes/opentelemetry-demo.yaml` at commit a8a3ea261ddb8111a430cdc3eadc64de76c3ae60
 * (release 2.1.3), compared service by service in UPSTREAM.md. The telemetry backends of that
 * file (collector, Jaeger, Prometheus, Grafana, OpenSearch) are not part of the application and
 * are not described here: every service exports to `otel-collector` in its namespace.
 */

/** Image tag of the release compared against; each service's image is `demo:<release>-<service>`. */
const RELEASE = '2.1.3';
/** Upstream publishes every service from one repository, told apart by the tag. */
const DEMO_IMAGE = 'ghcr.io/open-telemetry/demo';
/** OTLP ports of the collector the services export to: gRPC and HTTP/protobuf. */
const OTLP = { grpc: 4317, http: 4318 } as const;

/**
 * flagd's flag definitions and the product catalogue are upstream's data files, mounted from the
 * ConfigMaps `flagd-config` and `product-catalog-products`, which are created in each namespace
 * from upstream's files (UPSTREAM.md), not generated: the gate's check that referenced
 * ConfigMaps exist would fail on them.
 */
const OUT_OF_BAND_CONFIG = { 'config-ref': 'off' } as const;

/**
 * Prod's secrets (ours: upstream keeps none): HashiCorp Vault's KV v2 engine at `secret/`,
 * installed by its Helm chart (Service `vault` in namespace `vault`, port 8200), read by the
 * External Secrets Operator (its chart's ServiceAccount `external-secrets` in
 * `external-secrets`) through Vault's Kubernetes auth role `otel-demo-prod`. Synth writes the
 * store, fenced to `otel-demo-prod`.
 */
const PROD_SECRETS = SecretSource.externalSecrets({
  storeName: 'otel-demo-secrets',
  keyPrefix: 'otel-demo/prod',
  provider: SecretStoreProvider.vault({
    server: 'http://vault.vault.svc:8200',
    path: 'secret',
    role: 'otel-demo-prod',
    serviceAccount: { namespace: 'external-secrets', name: 'external-secrets' },
  }),
});

/**
 * Ours, not upstream's (which publishes one namespace and no environments): dev is upstream's
 * shape (one replica, namespace-wide network access, everything in the cluster); prod adds
 * replicas, default-deny network policy, HA datastores through their operators, External
 * Secrets and a public host for the storefront, promoted from dev with approval.
 */
export const environments = new EnvironmentTable([
  {
    name: 'dev',
    namespace: 'otel-demo-dev',
    purpose: 'Development: the upstream demo as published (one replica each, datastores in the cluster)',
    scaling: Scaling.fixed(1),
    resources: { cpu: '100m', memory: '128Mi' },
    networkPolicy: NetworkPolicyMode.ALLOW_NAMESPACE,
    datastores: { resources: { cpu: '250m', memory: '640Mi' }, storage: '2Gi' },
    validation: { severities: OUT_OF_BAND_CONFIG },
  },
  {
    name: 'prod',
    namespace: 'otel-demo-prod',
    purpose: 'Production storefront, GitOps with Argo CD',
    promotedFrom: 'dev',
    requiresApproval: true,
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6 }),
    resources: { cpu: '250m', memory: '128Mi' },
    networkPolicy: NetworkPolicyMode.DEFAULT_DENY,
    ingress: { host: 'shop.otel-demo.example.com' },
    tls: Tls.acme({ server: LETS_ENCRYPT_PRODUCTION, email: 'platform@otel-demo.example.com' }),
    datastores: {
      topology: DatastoreTopology.HA,
      // The cart's client reads one address and speaks no Sentinel: Valkey stays one instance.
      topologies: { 'valkey-cart': DatastoreTopology.SINGLE },
      resources: { cpu: '500m', memory: '1Gi' },
      storage: '20Gi',
    },
    secrets: PROD_SECRETS,
    validation: { requireNetworkPolicy: true, severities: OUT_OF_BAND_CONFIG },
  },
]);

/**
 * The variables upstream gives every service for OpenTelemetry, with `$(...)` written out:
 * they live in the service's ConfigMap, where Kubernetes expands no reference.
 * `service.version` is left out of the resource attributes: it is the image tag, which only the
 * overlay knows and promotion changes. `otlp` is the collector port the service's SDK exports
 * to, where upstream sets `OTEL_EXPORTER_OTLP_ENDPOINT`.
 */
function telemetry(service: string, otlp?: keyof typeof OTLP): Record<string, string> {
  return {
    OTEL_COLLECTOR_NAME: 'otel-collector',
    ...(otlp !== undefined ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://otel-collector:${OTLP[otlp]}` } : {}),
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
    OTEL_RESOURCE_ATTRIBUTES: `service.name=${service},service.namespace=opentelemetry-demo`,
    OTEL_SERVICE_NAME: service,
  };
}

/** Why fraud-detection runs without probes, as its waiver of the gate's probe checks says. */
const NO_PROBE =
  'upstream runs this Kafka consumer without probes and its distroless image has no command to probe with';

/** A demo service's props: the image and tag default to upstream's shared repository and release. */
type DemoServiceProps = Omit<MicroserviceProps, 'image' | 'initialTag'> &
  Partial<Pick<MicroserviceProps, 'image' | 'initialTag'>>;

/**
 * Builds the OpenTelemetry Demo: its 17 services (UPSTREAM.md, service by service) on Kafka,
 * PostgreSQL and Valkey. Memory is upstream's limit, as request and limit; CPU the table's.
 */
export function otelDemo(app: App): Platform {
  const platform = new Platform(app, 'otel-demo', { environments });
  // Upstream runs Kafka 3.9.1; the Strimzi release prod targets runs 4.2.0 and 4.3.0 only, and one
  // version serves every environment, so dev runs the same 4.2.0 (see UPSTREAM.md).
  const kafka = new Datastore(platform, 'kafka', { engine: DatastoreEngine.KAFKA, version: '4.2.0' });
  const postgresql = new Datastore(platform, 'postgresql', {
    engine: DatastoreEngine.POSTGRESQL,
    database: 'otel',
    version: '17.6',
  });
  // Valkey speaks the Redis protocol; the cart's client reads VALKEY_ADDR and no password.
  const valkey = new Datastore(platform, 'valkey-cart', { engine: DatastoreEngine.REDIS, auth: false });
  const brokers = kafka.fields({ address: 'KAFKA_ADDR' });

  const service = (name: string, props: DemoServiceProps) =>
    new Microservice(platform, name, {
      image: DEMO_IMAGE,
      initialTag: `${RELEASE}-${name}`,
      component: name,
      ...props,
    });

  const flagd = service('flagd', {
    image: 'ghcr.io/open-feature/flagd',
    initialTag: 'v0.12.8',
    port: 8013,
    protocol: 'grpc',
    resources: { memory: '75Mi' },
    command: [
      '/flagd-build',
      'start',
      '--port',
      '8013',
      '--ofrep-port',
      '8016',
      '--uri',
      'file:./etc/flagd/demo.flagd.json',
    ],
    // flagd's /readyz is on its management port 8014, which is not a container port here: a TCP
    // connect on 8013 says the server accepts clients.
    readinessProbe: Probe.tcp(),
    livenessProbe: Probe.tcp(),
    // The flag definitions (see OUT_OF_BAND_CONFIG). Without the flagd-ui sidecar nothing edits
    // them, so flagd reads the ConfigMap itself instead of upstream's copy in an emptyDir.
    volumes: [{ mountPath: '/etc/flagd', source: VolumeSource.configMap('flagd-config') }],
    variables: {
      FLAGD_METRICS_EXPORTER: 'otel',
      FLAGD_OTEL_COLLECTOR_URI: `otel-collector:${OTLP.grpc}`,
      GOMEMLIMIT: '60MiB',
      ...telemetry('flagd'),
    },
  });
  /** Upstream's clients read the feature-flag service as FLAGD_HOST and FLAGD_PORT. */
  const flags = { FLAGD_HOST: flagd.connection('{host}'), FLAGD_PORT: flagd.connection('{port}') };

  const ad = service('ad', {
    port: 8080,
    protocol: 'grpc',
    resources: { memory: '300Mi' },
    // The JVM starts slowly under a 300Mi limit.
    livenessInitialDelaySeconds: 30,
    variables: { AD_PORT: '8080', OTEL_LOGS_EXPORTER: 'otlp', ...telemetry('ad', 'http') },
    connections: flags,
  });
  const cart = service('cart', {
    port: 8080,
    protocol: 'grpc',
    resources: { memory: '160Mi' },
    // The `app` user of Microsoft's .NET images.
    runAsUser: 1654,
    variables: { ASPNETCORE_URLS: 'http://*:8080', CART_PORT: '8080', ...telemetry('cart', 'grpc') },
    connections: { VALKEY_ADDR: valkey.fields({ address: 'VALKEY_ADDR' }), ...flags },
  });
  const currency = service('currency', {
    port: 8080,
    protocol: 'grpc',
    resources: { memory: '20Mi' },
    variables: { CURRENCY_PORT: '8080', VERSION: RELEASE, ...telemetry('currency', 'grpc') },
  });
  const email = service('email', {
    port: 8080,
    resources: { memory: '100Mi' },
    // Its only route is POST /send_order_confirmation: a GET cannot pass, a connection can.
    readinessProbe: Probe.tcp(),
    livenessProbe: Probe.tcp(),
    variables: { APP_ENV: 'production', EMAIL_PORT: '8080', ...telemetry('email', 'http') },
    connections: flags,
  });
  const payment = service('payment', {
    port: 8080,
    protocol: 'grpc',
    resources: { memory: '120Mi' },
    runAsUser: 1000,
    variables: { PAYMENT_PORT: '8080', ...telemetry('payment', 'grpc') },
    connections: flags,
  });
  const productCatalog = service('product-catalog', {
    port: 8080,
    protocol: 'grpc',
    resources: { memory: '20Mi' },
    // The `nonroot` user of the distroless image.
    runAsUser: 65532,
    // The catalogue, without which the service exits (see OUT_OF_BAND_CONFIG).
    volumes: [{ mountPath: '/usr/src/app/products', source: VolumeSource.configMap('product-catalog-products') }],
    variables: {
      GOMEMLIMIT: '16MiB',
      PRODUCT_CATALOG_PORT: '8080',
      PRODUCT_CATALOG_RELOAD_INTERVAL: '10',
      ...telemetry('product-catalog', 'grpc'),
    },
    connections: flags,
  });
  const quote = service('quote', {
    port: 8080,
    resources: { memory: '40Mi' },
    // www-data, as upstream runs it. Its only route is POST /getquote.
    runAsUser: 33,
    readinessProbe: Probe.tcp(),
    livenessProbe: Probe.tcp(),
    variables: {
      OTEL_PHP_AUTOLOAD_ENABLED: 'true',
      OTEL_PHP_INTERNAL_METRICS_ENABLED: 'true',
      QUOTE_PORT: '8080',
      ...telemetry('quote', 'http'),
    },
  });
  const recommendation = service('recommendation', {
    port: 8080,
    protocol: 'grpc',
    resources: { memory: '500Mi' },
    variables: {
      OTEL_PYTHON_LOG_CORRELATION: 'true',
      PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION: 'python',
      RECOMMENDATION_PORT: '8080',
      ...telemetry('recommendation', 'grpc'),
    },
    connections: { PRODUCT_CATALOG_ADDR: productCatalog, ...flags },
  });
  const shipping = service('shipping', {
    port: 8080,
    resources: { memory: '20Mi' },
    runAsUser: 65532,
    // Its routes are POST /get-quote and POST /ship-order.
    readinessProbe: Probe.tcp(),
    livenessProbe: Probe.tcp(),
    variables: { SHIPPING_PORT: '8080', ...telemetry('shipping', 'grpc') },
    connections: { QUOTE_ADDR: quote },
  });
  const checkout = service('checkout', {
    port: 8080,
    protocol: 'grpc',
    resources: { memory: '20Mi' },
    runAsUser: 65532,
    variables: { CHECKOUT_PORT: '8080', GOMEMLIMIT: '16MiB', ...telemetry('checkout', 'grpc') },
    connections: {
      CART_ADDR: cart,
      CURRENCY_ADDR: currency,
      EMAIL_ADDR: email,
      KAFKA_ADDR: brokers,
      PAYMENT_ADDR: payment,
      PRODUCT_CATALOG_ADDR: productCatalog,
      SHIPPING_ADDR: shipping,
      ...flags,
    },
  });
  const frontend = service('frontend', {
    port: 8080,
    resources: { memory: '250Mi' },
    // Next.js answers its home page; upstream has no health route.
    healthPath: '/',
    runAsUser: 1001,
    variables: {
      ENV_PLATFORM: 'kubernetes',
      FRONTEND_ADDR: ':8080',
      FRONTEND_PORT: '8080',
      OTEL_COLLECTOR_HOST: 'otel-collector',
      PORT: '8080',
      PUBLIC_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:8080/otlp-http/v1/traces',
      WEB_OTEL_SERVICE_NAME: 'frontend-web',
      ...telemetry('frontend', 'grpc'),
    },
    connections: {
      AD_ADDR: ad,
      CART_ADDR: cart,
      CHECKOUT_ADDR: checkout,
      CURRENCY_ADDR: currency,
      PRODUCT_CATALOG_ADDR: productCatalog,
      RECOMMENDATION_ADDR: recommendation,
      SHIPPING_ADDR: shipping,
      ...flags,
    },
  });
  const imageProvider = service('image-provider', {
    port: 8081,
    resources: { memory: '50Mi' },
    // nginx's stub_status location of upstream's configuration.
    healthPath: '/status',
    // The nginx-unprivileged image's user.
    runAsUser: 101,
    // Upstream renders nginx.conf into /etc/nginx, which is read-only here: ours renders it into
    // a copy of /etc/nginx under /tmp, with upstream's template and variables.
    command: [
      '/bin/sh',
      '-c',
      "cp -r /etc/nginx /tmp/ && envsubst '$OTEL_COLLECTOR_HOST $IMAGE_PROVIDER_PORT $OTEL_COLLECTOR_PORT_GRPC " +
        "$OTEL_SERVICE_NAME' < /nginx.conf.template > /tmp/nginx/nginx.conf && exec nginx -c /tmp/nginx/nginx.conf -g 'daemon off;'",
    ],
    variables: {
      IMAGE_PROVIDER_PORT: '8081',
      OTEL_COLLECTOR_HOST: 'otel-collector',
      OTEL_COLLECTOR_PORT_GRPC: `${OTLP.grpc}`,
      ...telemetry('image-provider'),
    },
  });
  const frontendProxy = service('frontend-proxy', {
    port: 8080,
    resources: { memory: '65Mi' },
    // The envoy image's user.
    runAsUser: 101,
    exposure: Exposure.FRONTEND,
    // Upstream writes envoy.yaml beside its template in /home/envoy, read-only here: ours under /tmp.
    command: ['/bin/sh', '-c', 'envsubst < envoy.tmpl.yaml > /tmp/envoy.yaml && exec envoy -c /tmp/envoy.yaml'],
    // Envoy's / routes to the frontend and its /ready is on the admin port 10000, not a container
    // port here: a TCP connect on 8080 says the listener is up.
    readinessProbe: Probe.tcp(),
    livenessProbe: Probe.tcp(),
    variables: {
      ENVOY_ADMIN_PORT: '10000',
      ENVOY_PORT: '8080',
      FLAGD_UI_HOST: 'flagd-ui',
      FLAGD_UI_PORT: '4000',
      GRAFANA_HOST: 'grafana',
      GRAFANA_PORT: '80',
      JAEGER_HOST: 'jaeger-query',
      JAEGER_UI_PORT: '16686',
      LOCUST_WEB_HOST: 'load-generator',
      LOCUST_WEB_PORT: '8089',
      OTEL_COLLECTOR_HOST: 'otel-collector',
      OTEL_COLLECTOR_PORT_GRPC: `${OTLP.grpc}`,
      OTEL_COLLECTOR_PORT_HTTP: `${OTLP.http}`,
      ...telemetry('frontend-proxy'),
    },
    // Envoy reads its upstreams as host and port.
    connections: {
      FRONTEND_HOST: frontend.connection('{host}'),
      FRONTEND_PORT: frontend.connection('{port}'),
      IMAGE_PROVIDER_HOST: imageProvider.connection('{host}'),
      IMAGE_PROVIDER_PORT: imageProvider.connection('{port}'),
      ...flags,
    },
  });
  service('load-generator', {
    port: 8089,
    resources: { memory: '1500Mi' },
    // Synthetic users belong in dev, not in the production shop; `environments: ['dev']` says so,
    // but `npm run promote dev prod` then fails on the missing prod overlay (UPSTREAM.md).
    // Locust's web UI.
    healthPath: '/',
    variables: {
      FLAGD_OFREP_PORT: '8016',
      LOCUST_AUTOSTART: 'true',
      LOCUST_BROWSER_TRAFFIC_ENABLED: 'true',
      LOCUST_HEADLESS: 'false',
      LOCUST_SPAWN_RATE: '1',
      LOCUST_USERS: '10',
      LOCUST_WEB_HOST: '0.0.0.0',
      LOCUST_WEB_PORT: '8089',
      PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION: 'python',
      ...telemetry('load-generator', 'grpc'),
    },
    connections: { LOCUST_HOST: frontendProxy, ...flags },
  });

  new Worker(platform, 'accounting', {
    image: DEMO_IMAGE,
    initialTag: `${RELEASE}-accounting`,
    component: 'accounting',
    resources: { memory: '120Mi' },
    runAsUser: 1654,
    // A Kafka consumer serves nothing to probe: the probe is upstream's wait-for-kafka check
    // (the broker answers on KAFKA_ADDR), in bash, which Microsoft's Debian-based image has.
    probeCommand: ['bash', '-c', 'exec 3<>"/dev/tcp/${KAFKA_ADDR%:*}/${KAFKA_ADDR##*:}"'],
    variables: {
      OTEL_DOTNET_AUTO_TRACES_ENTITYFRAMEWORKCORE_INSTRUMENTATION_ENABLED: 'false',
      ...telemetry('accounting', 'http'),
    },
    connections: {
      KAFKA_ADDR: brokers,
      // Npgsql's keyword format, as upstream writes it; user and password by Secret reference.
      DB_CONNECTION_STRING: postgresql.connection(
        'Host={host};Username={user};Password={password};Database={database}',
      ),
    },
  });
  new Worker(platform, 'fraud-detection', {
    image: DEMO_IMAGE,
    initialTag: `${RELEASE}-fraud-detection`,
    component: 'fraud-detection',
    resources: { memory: '300Mi' },
    // The `nonroot` user of the distroless image.
    runAsUser: 65532,
    // Upstream's: no probe. Its distroless Java image has no shell and no health command, and a
    // second JVM (`java -version`) would not fit in 300Mi.
    readinessProbe: Probe.none(),
    livenessProbe: Probe.none(),
    // The gate requires both probes of a long-running container; the waiver, with its reason, goes
    // on the Deployment the gate reads, through the documented escape hatch.
    customize: (objects) => {
      const deployment = objects.find((o) => o.kind === 'Deployment')!;
      const metadata = deployment.metadata as { annotations?: Record<string, string> };
      metadata.annotations = {
        ...metadata.annotations,
        'stagecraft.dev/waive.liveness-probe': NO_PROBE,
        'stagecraft.dev/waive.readiness-probe': NO_PROBE,
      };
    },
    variables: {
      OTEL_INSTRUMENTATION_KAFKA_EXPERIMENTAL_SPAN_ATTRIBUTES: 'true',
      OTEL_INSTRUMENTATION_MESSAGING_EXPERIMENTAL_RECEIVE_TELEMETRY_ENABLED: 'true',
      ...telemetry('fraud-detection', 'http'),
    },
    connections: { KAFKA_ADDR: brokers, ...flags },
  });
  return platform;
}

/** How `npm run examples` writes this example: bases in dist/, no repository targets in its Makefile. */
export const synthOptions: SynthOptions = { outdir: 'dist', makefileRepoTargets: false };
