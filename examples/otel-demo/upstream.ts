// What the OpenTelemetry Demo publishes for each of its application Deployments, as data for
// platform.test.ts to compare against: read from kubernetes/opentelemetry-demo.yaml of
// github.com/open-telemetry/opentelemetry-demo at commit a8a3ea261ddb8111a430cdc3eadc64de76c3ae60
// (release 2.1.3; the file was removed from the repository in the next commit, 96920119). Values
// only, no manifest: each `$(VAR)` written out as Kubernetes expands it, `OTEL_SERVICE_NAME` (a
// fieldRef to the component label upstream) as the value it resolves to. The telemetry backends
// of that file (collector, Jaeger, Prometheus, Grafana, OpenSearch) are not the application and
// are not listed.

/** One container of an upstream Deployment. */
export interface UpstreamContainer {
  /** Container name. */
  readonly name: string;
  /** Image with tag. */
  readonly image: string;
  /** Container ports. */
  readonly ports: readonly number[];
  /** Every environment variable as the container sees it. */
  readonly env: Readonly<Record<string, string>>;
  /** Memory limit (upstream sets no CPU and no requests). */
  readonly memoryLimit: string;
  /**
   * User of the container's securityContext.
   * @default - none set: the image's user
   */
  readonly runAsUser?: number;
  /**
   * Group of the container's securityContext.
   * @default - none set: the image's group
   */
  readonly runAsGroup?: number;
  /**
   * Container command.
   * @default - the image's entrypoint
   */
  readonly command?: readonly string[];
  /** Mount paths of its volumes. */
  readonly volumeMounts: readonly string[];
  /** Which of readiness, liveness and startup probes it has. */
  readonly probes: readonly string[];
}

/** One upstream application Deployment and its Service. */
export interface UpstreamDeployment {
  /** Deployment and Service name. */
  readonly name: string;
  /** Replica count. */
  readonly replicas: number;
  /** Ports of its Service. */
  readonly servicePorts: readonly { readonly port: number; readonly targetPort: number }[];
  /** Names of its init containers. */
  readonly initContainers: readonly string[];
  /** Names of its volumes. */
  readonly volumes: readonly string[];
  /** Its containers, the application's first. */
  readonly containers: readonly UpstreamContainer[];
}

/** Every application Deployment of the published manifest, by name. */
export const UPSTREAM: readonly UpstreamDeployment[] = [
  {
    name: 'accounting',
    replicas: 1,
    servicePorts: [],
    initContainers: ['wait-for-kafka'],
    volumes: [],
    containers: [
      {
        name: 'accounting',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-accounting',
        ports: [],
        env: {
          DB_CONNECTION_STRING: 'Host=postgresql;Username=otelu;Password=otelp;Database=otel',
          KAFKA_ADDR: 'kafka:9092',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_DOTNET_AUTO_TRACES_ENTITYFRAMEWORKCORE_INSTRUMENTATION_ENABLED: 'false',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=accounting,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'accounting',
        },
        memoryLimit: '120Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'ad',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'ad',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-ad',
        ports: [8080],
        env: {
          AD_PORT: '8080',
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_LOGS_EXPORTER: 'otlp',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=ad,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'ad',
        },
        memoryLimit: '300Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'cart',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: ['wait-for-valkey-cart'],
    volumes: [],
    containers: [
      {
        name: 'cart',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-cart',
        ports: [8080],
        env: {
          ASPNETCORE_URLS: 'http://*:8080',
          CART_PORT: '8080',
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=cart,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'cart',
          VALKEY_ADDR: 'valkey-cart:6379',
        },
        memoryLimit: '160Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'checkout',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: ['wait-for-kafka'],
    volumes: [],
    containers: [
      {
        name: 'checkout',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-checkout',
        ports: [8080],
        env: {
          CART_ADDR: 'cart:8080',
          CHECKOUT_PORT: '8080',
          CURRENCY_ADDR: 'currency:8080',
          EMAIL_ADDR: 'http://email:8080',
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          GOMEMLIMIT: '16MiB',
          KAFKA_ADDR: 'kafka:9092',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=checkout,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'checkout',
          PAYMENT_ADDR: 'payment:8080',
          PRODUCT_CATALOG_ADDR: 'product-catalog:8080',
          SHIPPING_ADDR: 'http://shipping:8080',
        },
        memoryLimit: '20Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'currency',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'currency',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-currency',
        ports: [8080],
        env: {
          CURRENCY_PORT: '8080',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=currency,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'currency',
          VERSION: '2.1.3',
        },
        memoryLimit: '20Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'email',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'email',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-email',
        ports: [8080],
        env: {
          APP_ENV: 'production',
          EMAIL_PORT: '8080',
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=email,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'email',
        },
        memoryLimit: '100Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'flagd',
    replicas: 1,
    servicePorts: [
      {
        port: 8013,
        targetPort: 8013,
      },
      {
        port: 8016,
        targetPort: 8016,
      },
      {
        port: 4000,
        targetPort: 4000,
      },
    ],
    initContainers: ['init-config'],
    volumes: ['config-rw', 'config-ro'],
    containers: [
      {
        name: 'flagd',
        image: 'ghcr.io/open-feature/flagd:v0.12.8',
        ports: [8013, 8016],
        env: {
          FLAGD_METRICS_EXPORTER: 'otel',
          FLAGD_OTEL_COLLECTOR_URI: 'otel-collector:4317',
          GOMEMLIMIT: '60MiB',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=flagd,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'flagd',
        },
        memoryLimit: '75Mi',
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
        volumeMounts: ['/etc/flagd'],
        probes: [],
      },
      {
        name: 'flagd-ui',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-flagd-ui',
        ports: [4000],
        env: {
          FLAGD_METRICS_EXPORTER: 'otel',
          FLAGD_UI_PORT: '4000',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=flagd,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'flagd',
          PHX_HOST: 'localhost',
          SECRET_KEY_BASE: 'yYrECL4qbNwleYInGJYvVnSkwJuSQJ4ijPTx5tirGUXrbznFIBFVJdPl5t6O9ASw',
        },
        memoryLimit: '250Mi',
        volumeMounts: ['/app/data'],
        probes: [],
      },
    ],
  },
  {
    name: 'fraud-detection',
    replicas: 1,
    servicePorts: [],
    initContainers: ['wait-for-kafka'],
    volumes: [],
    containers: [
      {
        name: 'fraud-detection',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-fraud-detection',
        ports: [],
        env: {
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          KAFKA_ADDR: 'kafka:9092',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_INSTRUMENTATION_KAFKA_EXPERIMENTAL_SPAN_ATTRIBUTES: 'true',
          OTEL_INSTRUMENTATION_MESSAGING_EXPERIMENTAL_RECEIVE_TELEMETRY_ENABLED: 'true',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=fraud-detection,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'fraud-detection',
        },
        memoryLimit: '300Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'frontend',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'frontend',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-frontend',
        ports: [8080],
        env: {
          AD_ADDR: 'ad:8080',
          CART_ADDR: 'cart:8080',
          CHECKOUT_ADDR: 'checkout:8080',
          CURRENCY_ADDR: 'currency:8080',
          ENV_PLATFORM: 'kubernetes',
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          FRONTEND_ADDR: ':8080',
          FRONTEND_PORT: '8080',
          OTEL_COLLECTOR_HOST: 'otel-collector',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=frontend,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'frontend',
          PORT: '8080',
          PRODUCT_CATALOG_ADDR: 'product-catalog:8080',
          PUBLIC_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:8080/otlp-http/v1/traces',
          RECOMMENDATION_ADDR: 'recommendation:8080',
          SHIPPING_ADDR: 'http://shipping:8080',
          WEB_OTEL_SERVICE_NAME: 'frontend-web',
        },
        memoryLimit: '250Mi',
        runAsUser: 1001,
        runAsGroup: 1001,
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'frontend-proxy',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'frontend-proxy',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-frontend-proxy',
        ports: [8080],
        env: {
          ENVOY_ADMIN_PORT: '10000',
          ENVOY_PORT: '8080',
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          FLAGD_UI_HOST: 'flagd-ui',
          FLAGD_UI_PORT: '4000',
          FRONTEND_HOST: 'frontend',
          FRONTEND_PORT: '8080',
          GRAFANA_HOST: 'grafana',
          GRAFANA_PORT: '80',
          IMAGE_PROVIDER_HOST: 'image-provider',
          IMAGE_PROVIDER_PORT: '8081',
          JAEGER_HOST: 'jaeger-query',
          JAEGER_UI_PORT: '16686',
          LOCUST_WEB_HOST: 'load-generator',
          LOCUST_WEB_PORT: '8089',
          OTEL_COLLECTOR_HOST: 'otel-collector',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_COLLECTOR_PORT_GRPC: '4317',
          OTEL_COLLECTOR_PORT_HTTP: '4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=frontend-proxy,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'frontend-proxy',
        },
        memoryLimit: '65Mi',
        runAsUser: 101,
        runAsGroup: 101,
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'image-provider',
    replicas: 1,
    servicePorts: [
      {
        port: 8081,
        targetPort: 8081,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'image-provider',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-image-provider',
        ports: [8081],
        env: {
          IMAGE_PROVIDER_PORT: '8081',
          OTEL_COLLECTOR_HOST: 'otel-collector',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_COLLECTOR_PORT_GRPC: '4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=image-provider,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'image-provider',
        },
        memoryLimit: '50Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'kafka',
    replicas: 1,
    servicePorts: [
      {
        port: 9092,
        targetPort: 9092,
      },
      {
        port: 9093,
        targetPort: 9093,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'kafka',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-kafka',
        ports: [9092, 9093],
        env: {
          KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
          KAFKA_HEAP_OPTS: '-Xmx400M -Xms400M',
          KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=kafka,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'kafka',
        },
        memoryLimit: '600Mi',
        runAsUser: 1000,
        runAsGroup: 1000,
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'load-generator',
    replicas: 1,
    servicePorts: [
      {
        port: 8089,
        targetPort: 8089,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'load-generator',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-load-generator',
        ports: [8089],
        env: {
          FLAGD_HOST: 'flagd',
          FLAGD_OFREP_PORT: '8016',
          FLAGD_PORT: '8013',
          LOCUST_AUTOSTART: 'true',
          LOCUST_BROWSER_TRAFFIC_ENABLED: 'true',
          LOCUST_HEADLESS: 'false',
          LOCUST_HOST: 'http://frontend-proxy:8080',
          LOCUST_SPAWN_RATE: '1',
          LOCUST_USERS: '10',
          LOCUST_WEB_HOST: '0.0.0.0',
          LOCUST_WEB_PORT: '8089',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=load-generator,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'load-generator',
          PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION: 'python',
        },
        memoryLimit: '1500Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'payment',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'payment',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-payment',
        ports: [8080],
        env: {
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=payment,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'payment',
          PAYMENT_PORT: '8080',
        },
        memoryLimit: '120Mi',
        runAsUser: 1000,
        runAsGroup: 1000,
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'postgresql',
    replicas: 1,
    servicePorts: [
      {
        port: 5432,
        targetPort: 5432,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'postgresql',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-postgresql',
        ports: [5432],
        env: {
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=postgresql,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'postgresql',
          POSTGRES_DB: 'otel',
          POSTGRES_PASSWORD: 'otel',
          POSTGRES_USER: 'root',
        },
        memoryLimit: '100Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'product-catalog',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: ['product-catalog-products'],
    containers: [
      {
        name: 'product-catalog',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-product-catalog',
        ports: [8080],
        env: {
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          GOMEMLIMIT: '16MiB',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=product-catalog,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'product-catalog',
          PRODUCT_CATALOG_PORT: '8080',
          PRODUCT_CATALOG_RELOAD_INTERVAL: '10',
        },
        memoryLimit: '20Mi',
        volumeMounts: ['/usr/src/app/products'],
        probes: [],
      },
    ],
  },
  {
    name: 'quote',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'quote',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-quote',
        ports: [8080],
        env: {
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_PHP_AUTOLOAD_ENABLED: 'true',
          OTEL_PHP_INTERNAL_METRICS_ENABLED: 'true',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=quote,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'quote',
          QUOTE_PORT: '8080',
        },
        memoryLimit: '40Mi',
        runAsUser: 33,
        runAsGroup: 33,
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'recommendation',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'recommendation',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-recommendation',
        ports: [8080],
        env: {
          FLAGD_HOST: 'flagd',
          FLAGD_PORT: '8013',
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_PYTHON_LOG_CORRELATION: 'true',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=recommendation,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'recommendation',
          PRODUCT_CATALOG_ADDR: 'product-catalog:8080',
          PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION: 'python',
          RECOMMENDATION_PORT: '8080',
        },
        memoryLimit: '500Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'shipping',
    replicas: 1,
    servicePorts: [
      {
        port: 8080,
        targetPort: 8080,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'shipping',
        image: 'ghcr.io/open-telemetry/demo:2.1.3-shipping',
        ports: [8080],
        env: {
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=shipping,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'shipping',
          QUOTE_ADDR: 'http://quote:8080',
          SHIPPING_PORT: '8080',
        },
        memoryLimit: '20Mi',
        volumeMounts: [],
        probes: [],
      },
    ],
  },
  {
    name: 'valkey-cart',
    replicas: 1,
    servicePorts: [
      {
        port: 6379,
        targetPort: 6379,
      },
    ],
    initContainers: [],
    volumes: [],
    containers: [
      {
        name: 'valkey-cart',
        image: 'valkey/valkey:8.1.3-alpine',
        ports: [6379],
        env: {
          OTEL_COLLECTOR_NAME: 'otel-collector',
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
          OTEL_RESOURCE_ATTRIBUTES:
            'service.name=valkey-cart,service.namespace=opentelemetry-demo,service.version=2.1.3',
          OTEL_SERVICE_NAME: 'valkey-cart',
        },
        memoryLimit: '20Mi',
        runAsUser: 999,
        runAsGroup: 1000,
        volumeMounts: [],
        probes: [],
      },
    ],
  },
];
