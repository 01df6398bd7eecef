import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  Alerting,
  Datastore,
  EnvironmentTable,
  Logging,
  Metrics,
  Microservice,
  Objective,
  Platform,
  Scaling,
  synth,
  Tracing,
  Worker,
} from '../lib';
import { hasErrors, validate } from '../lib/gate/gate';
import { checkMonitoring, checkPromql } from '../lib/gate/monitoring';
import { kustomizeSync } from '../lib/kube/kubectl';
import { K8sObject } from '../lib/kube/object';
import { render } from '../lib/synth/render';
import { bazaar } from './fixtures/platforms/bazaar';
import { COLLECTOR, observed } from './fixtures/platforms/observed';
import { scraped } from './fixtures/platforms/scraped';
import { tempDir } from './support';

const root = tempDir();
synth(observed(new App()), { rootDir: root, outdir: 'dist' });
const renderOf = (dir: string) => kustomizeSync(path.join(root, 'overlays', dir));
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as Record<string, any>;

describe('metrics', () => {
  test('dev scrapes nothing; staging and prod render a monitor per service with a metrics endpoint', () => {
    const files = fs.readdirSync(path.join(root, 'overlays', 'dev', 'cart'));
    expect(files).not.toContain('monitor.yaml');
    for (const env of ['staging', 'prod']) {
      expect(fs.existsSync(path.join(root, 'overlays', env, 'cart', 'monitor.yaml'))).toBe(true);
      expect(fs.existsSync(path.join(root, 'overlays', env, 'web', 'monitor.yaml'))).toBe(false);
    }
  });

  test('a ServiceMonitor on the named port, the interval and labels of the table, in the namespace', () => {
    const staging = find(renderOf('staging/cart'), 'ServiceMonitor', 'cart');
    expect(staging.metadata.namespace).toBe('shop-staging');
    expect(staging.metadata.labels).toMatchObject({ prometheus: 'staging', environment: 'staging' });
    expect(staging.spec).toEqual({
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cart', 'app.kubernetes.io/part-of': 'shop' } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '1m' }],
    });
    const prod = find(renderOf('prod/cart'), 'ServiceMonitor', 'cart');
    expect(prod.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(prod.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
  });

  test('a metrics port of its own is a named port of the container and the Service', () => {
    const objects = renderOf('prod/pay');
    expect(find(objects, 'ServiceMonitor', 'pay').spec.endpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s' },
    ]);
    expect(find(objects, 'Service', 'pay').spec.ports).toEqual([
      { name: 'grpc', port: 9090, targetPort: 'grpc', protocol: 'TCP' },
      { name: 'metrics', port: 9102, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(find(objects, 'Deployment', 'pay').spec.template.spec.containers[0].ports).toEqual([
      { name: 'grpc', containerPort: 9090, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
    ]);
  });

  test('a worker is scraped through a PodMonitor on its only port', () => {
    const objects = renderOf('prod/mailer');
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'PodMonitor',
      'ServiceAccount',
    ]);
    expect(find(objects, 'PodMonitor', 'mailer').spec).toEqual({
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'mailer', 'app.kubernetes.io/part-of': 'shop' } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    expect(find(objects, 'Deployment', 'mailer').spec.template.spec.containers[0].ports).toEqual([
      { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
    ]);
  });

  test('Prometheus, in the table namespace, may reach each metrics port, and nothing else', () => {
    const policies = renderOf('prod/shared').filter((o) => o.kind === 'NetworkPolicy');
    const pay = find(policies, 'NetworkPolicy', 'allow-prometheus-to-pay');
    expect(pay.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
        ports: [{ protocol: 'TCP', port: 9102 }],
      },
    ]);
    expect(policies.map((p) => p.metadata.name).filter((n) => n.startsWith('allow-prometheus-'))).toEqual([
      'allow-prometheus-to-cart',
      // prod's metrics are full: the single PostgreSQL's exporter too
      'allow-prometheus-to-db',
      'allow-prometheus-to-mailer',
      'allow-prometheus-to-pay',
    ]);
    expect(find(policies, 'NetworkPolicy', 'allow-prometheus-to-db').spec.ingress[0].ports).toEqual([
      { protocol: 'TCP', port: 9187 },
    ]);
  });
});

describe('datastore metrics', () => {
  test('where metrics are full, the CloudNativePG cluster is scraped on its exporter port', () => {
    const files = new Map(render(bazaar(new App())).entries());
    const monitor = yaml.load(files.get('overlays/prod/postgresql/monitor.yaml')!) as Record<string, any>;
    expect(monitor.kind).toBe('PodMonitor');
    expect(monitor.metadata.annotations).toBeUndefined();
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'cnpg.io/cluster': 'postgresql' } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    expect(files.get('overlays/prod/postgresql/kustomization.yaml')).toContain('- monitor.yaml');
    const policies = yaml.loadAll(files.get('overlays/prod/shared/network-policies.yaml')!) as Record<string, any>[];
    expect(policies.find((p) => p.metadata.name === 'allow-prometheus-to-postgresql')!.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 9187 }],
      },
    ]);
  });

  const scrapedFiles = new Map(render(scraped(new App())).entries());
  const load = (file: string) => yaml.load(scrapedFiles.get(`overlays/${file}`)!) as Record<string, any>;
  const restricted = {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };

  test('basic metrics scrape no datastore and turn no exporter on', () => {
    for (const d of ['docs', 'cache', 'events', 'ledger']) {
      expect([d, scrapedFiles.has(`overlays/staging/${d}/monitor.yaml`)]).toEqual([d, false]);
      expect([d, scrapedFiles.has(`overlays/prod/${d}/monitor.yaml`)]).toEqual([d, true]);
    }
    expect(load('staging/docs/mongodbcommunity.yaml').spec.prometheus).toBeUndefined();
    expect(load('staging/cache/rediscluster.yaml').spec.redisExporter).toBeUndefined();
    expect(load('staging/events/kafka.yaml').spec.kafka.metricsConfig).toBeUndefined();
    expect(scrapedFiles.has('overlays/staging/events/configmap-metrics.yaml')).toBe(false);
  });

  test('MongoDB: the agent behind basic auth from an ExternalSecret, a ServiceMonitor on the operator Service', () => {
    expect(load('prod/docs/mongodbcommunity.yaml').spec.prometheus).toEqual({
      username: 'prometheus',
      passwordSecretRef: { name: 'docs-metrics', key: 'password' },
      port: 9216,
      metricsPath: '/metrics',
    });
    const monitor = load('prod/docs/monitor.yaml');
    expect(monitor.kind).toBe('ServiceMonitor');
    expect(monitor.metadata.labels.prometheus).toBe('prod');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { app: 'docs-svc' } },
      endpoints: [
        {
          port: 'prometheus',
          path: '/metrics',
          interval: '30s',
          basicAuth: {
            username: { name: 'docs-metrics', key: 'username' },
            password: { name: 'docs-metrics', key: 'password' },
          },
        },
      ],
    });
    const secrets = yaml.loadAll(scrapedFiles.get('overlays/prod/shared/external-secrets.yaml')!) as Record<
      string,
      any
    >[];
    const metrics = secrets.find((s) => s.metadata.name === 'docs-metrics')!;
    expect(metrics.spec.target).toEqual({
      name: 'docs-metrics',
      creationPolicy: 'Owner',
      template: { type: 'kubernetes.io/basic-auth' },
    });
    expect(metrics.spec.data.map((d: any) => d.remoteRef)).toEqual([
      { key: 'feed/prod/docs-metrics', property: 'password' },
      { key: 'feed/prod/docs-metrics', property: 'username' },
    ]);
    expect(scrapedFiles.get('overlays/prod/docs/mongodbcommunity.yaml')).not.toMatch(/password: [^\n]*[^:]$/m);
  });

  test('Redis: the exporter sidecar pinned, with requests, limits and a restricted context, scraped by its pods', () => {
    expect(load('prod/cache/rediscluster.yaml').spec.redisExporter).toEqual({
      enabled: true,
      image: 'oliver006/redis_exporter:v1.67.0',
      imagePullPolicy: 'IfNotPresent',
      resources: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      securityContext: restricted,
    });
    expect(load('prod/cache/monitor.yaml').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cache', redis_setup_type: 'cluster' } },
      podMetricsEndpoints: [{ port: 'redis-exporter', path: '/metrics', interval: '30s' }],
    });
    // The quota counts each exporter at its own size, beside the Redis containers sized by the table.
    const platform = scraped(new App());
    const cache = platform.node.findChild('cache') as Datastore;
    const pods = (env: string) => cache.planIn(platform.environments.get(env)).footprint.pods;
    expect(pods('staging')).toEqual([{ count: 6, containers: 1, sidecars: [] }]);
    expect(pods('prod')).toEqual([
      {
        count: 6,
        containers: 1,
        sidecars: [{ requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } }],
      },
    ]);
    const sentinel = new Map(render(bazaar(new App())).entries()).get('overlays/prod/redis/redisfailover.yaml')!;
    expect((yaml.load(sentinel) as Record<string, any>).spec.redis.exporter).toEqual({
      enabled: true,
      image: 'oliver006/redis_exporter:v1.67.0',
      imagePullPolicy: 'IfNotPresent',
      resources: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      containerSecurityContext: restricted,
    });
  });

  test('Kafka: the JMX exporter from a ConfigMap of rules on the brokers, a PodMonitor on tcp-prometheus', () => {
    expect(load('prod/events/kafka.yaml').spec.kafka.metricsConfig).toEqual({
      type: 'jmxPrometheusExporter',
      valueFrom: { configMapKeyRef: { name: 'events-metrics', key: 'kafka-metrics-config.yml' } },
    });
    const rules = yaml.load(load('prod/events/configmap-metrics.yaml').data['kafka-metrics-config.yml']) as Record<
      string,
      any
    >;
    expect(rules.lowercaseOutputName).toBe(true);
    expect(rules.rules.length).toBeGreaterThan(3);
    expect(load('prod/events/monitor.yaml').spec).toEqual({
      selector: { matchLabels: { 'strimzi.io/cluster': 'events', 'strimzi.io/pool-name': 'events-nodes' } },
      podMetricsEndpoints: [{ port: 'tcp-prometheus', path: '/metrics', interval: '30s' }],
    });
    const policies = yaml.loadAll(scrapedFiles.get('overlays/prod/shared/network-policies.yaml')!) as Record<
      string,
      any
    >[];
    expect(
      ['docs', 'cache', 'events', 'ledger'].map(
        (d) => policies.find((p) => p.metadata.name === `allow-prometheus-to-${d}`)!.spec.ingress[0].ports[0].port,
      ),
    ).toEqual([9216, 9121, 9404, 9187]);
  });

  const scrapedRoot = tempDir();
  synth(scraped(new App()), { rootDir: scrapedRoot, outdir: 'dist' });
  const prodDatastores = () =>
    ['docs', 'cache', 'events', 'ledger'].flatMap((d) => kustomizeSync(path.join(scrapedRoot, 'overlays', 'prod', d)));

  test('the gate checks datastore monitors against what the operators create, and the tree validates clean', async () => {
    expect(checkMonitoring(prodDatastores(), { prometheusLabels: { prometheus: 'prod' } })).toEqual([]);
    const result = await validate({ rootDir: scrapedRoot, platform: scraped(new App()), cacheDir: false });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('fails when a datastore monitor scrapes an exporter that is off or a port the operator does not create', () => {
    const objects = prodDatastores();
    delete find(objects, 'RedisCluster', 'cache').spec.redisExporter;
    delete find(objects, 'Kafka', 'events').spec.kafka.metricsConfig;
    delete find(objects, 'MongoDBCommunity', 'docs').spec.prometheus;
    find(objects, 'PodMonitor', 'ledger').spec.podMetricsEndpoints[0].port = 'exporter';
    expect(checkMonitoring(objects).map((f) => [f.object!.metadata.name, f.message])).toEqual([
      ['docs', `endpoint port "prometheus" is not a named port of the operator's Service; it has mongodb`],
      [
        'cache',
        'podMetricsEndpoints port "redis-exporter" is not a named container port of the selected pods; they have redis-client',
      ],
      [
        'events',
        'podMetricsEndpoints port "tcp-prometheus" is not a named container port of the selected pods; they have tcp-ctrlplane, tcp-replication, tcp-clients',
      ],
      [
        'ledger',
        'podMetricsEndpoints port "exporter" is not a named container port of the selected pods; they have postgresql, metrics',
      ],
    ]);
  });
});

describe('single-instance datastore metrics', () => {
  const bazaarRoot = tempDir();
  synth(bazaar(new App()), { rootDir: bazaarRoot, outdir: 'dist' });
  const rendered = (env: string, d: string) => kustomizeSync(path.join(bazaarRoot, 'overlays', env, d));
  const pod = (objects: K8sObject[], d: string) => find(objects, 'StatefulSet', d).spec.template.spec;
  const secretRef = (d: string, key: string) => ({ secretKeyRef: { name: `${d}-credentials`, key } });
  const restricted = {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };
  const exporters = {
    postgresql: {
      name: 'postgres-exporter',
      image: 'prometheuscommunity/postgres-exporter:v0.17.1',
      port: 9187,
      env: [
        { name: 'DATA_SOURCE_URI', value: 'localhost:5432/bazaar?sslmode=disable' },
        { name: 'DATA_SOURCE_USER', valueFrom: secretRef('postgresql', 'username') },
        { name: 'DATA_SOURCE_PASS', valueFrom: secretRef('postgresql', 'password') },
      ],
    },
    mongodb: {
      name: 'mongodb-exporter',
      image: 'percona/mongodb_exporter:0.44.0',
      port: 9216,
      env: [
        { name: 'MONGODB_URI', value: 'mongodb://localhost:27017/admin' },
        { name: 'MONGODB_USER', valueFrom: secretRef('mongodb', 'username') },
        { name: 'MONGODB_PASSWORD', valueFrom: secretRef('mongodb', 'password') },
      ],
    },
    redis: {
      name: 'redis-exporter',
      image: 'oliver006/redis_exporter:v1.67.0',
      port: 9121,
      env: [
        { name: 'REDIS_ADDR', value: 'redis://localhost:6379' },
        { name: 'REDIS_PASSWORD', valueFrom: secretRef('redis', 'password') },
      ],
    },
  };
  const names = Object.keys(exporters) as (keyof typeof exporters)[];

  test('where metrics are full, each single instance runs its exporter sidecar: pinned, sized, restricted, probed', () => {
    for (const d of names) {
      const expected = exporters[d];
      const spec = pod(rendered('staging', d), d);
      expect([d, spec.containers.map((c: any) => c.name)]).toEqual([d, [d, expected.name]]);
      const probe = { tcpSocket: { port: 'metrics' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
      expect(spec.containers[1]).toEqual({
        name: expected.name,
        image: expected.image,
        imagePullPolicy: 'IfNotPresent',
        ...(d === 'mongodb' ? { args: ['--collect-all', '--compatible-mode'] } : {}),
        ports: [{ name: 'metrics', containerPort: expected.port, protocol: 'TCP' }],
        env: expected.env,
        resources: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        livenessProbe: { ...probe, initialDelaySeconds: 10 },
        readinessProbe: probe,
        securityContext: restricted,
      });
      // The pod's context gives the sidecar a non-root user and the RuntimeDefault seccomp profile.
      expect(spec.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 999,
        runAsGroup: 999,
        fsGroup: 999,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  test('a PodMonitor selects each single instance on port metrics, labelled for Prometheus, and the gate agrees', () => {
    const objects = names.flatMap((d) => rendered('staging', d));
    for (const d of names) {
      const monitor = find(objects, 'PodMonitor', d);
      expect(monitor.metadata.namespace).toBe('bazaar-staging');
      expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
      expect(monitor.spec).toEqual({
        selector: { matchLabels: { 'app.kubernetes.io/name': d, 'app.kubernetes.io/part-of': 'bazaar' } },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
      });
    }
    expect(checkMonitoring(objects, { prometheusLabels: { release: 'kube-prometheus-stack' } })).toEqual([]);
    const policies = rendered('staging', 'shared').filter((o) => o.kind === 'NetworkPolicy');
    expect(names.map((d) => [d, find(policies, 'NetworkPolicy', `allow-prometheus-to-${d}`).spec.ingress])).toEqual(
      names.map((d) => [
        d,
        [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
            ports: [{ protocol: 'TCP', port: exporters[d].port }],
          },
        ],
      ]),
    );
  });

  test('the quota counts each exporter sidecar at its own size where it runs', () => {
    const platform = bazaar(new App());
    const postgresql = platform.node.findChild('postgresql') as Datastore;
    const pods = (env: string) => postgresql.planIn(platform.environments.get(env)).footprint.pods;
    const server = { count: 1, containers: 1 };
    const sidecars = [{ requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } }];
    expect(pods('dev')).toEqual([server]);
    // staging: the server with its exporter, then the dump job's pod
    expect(pods('staging')).toEqual([{ ...server, sidecars }, server]);
  });

  test('basic metrics (dev) run no exporter, render no monitor and let no Prometheus in', () => {
    for (const d of names) {
      const objects = rendered('dev', d);
      expect([d, pod(objects, d).containers.map((c: any) => c.name)]).toEqual([d, [d]]);
      expect([d, objects.filter((o) => o.kind === 'PodMonitor')]).toEqual([d, []]);
    }
    const policies = rendered('dev', 'shared').filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.filter((p) => /^allow-prometheus-to-(postgresql|mongodb|redis)$/.test(p.metadata.name))).toEqual(
      [],
    );
  });

  test('fails when the exporter serves no metrics port the PodMonitor scrapes', () => {
    const objects = rendered('staging', 'postgresql');
    delete pod(objects, 'postgresql').containers[1].ports;
    expect(checkMonitoring(objects).map((f) => [f.object!.metadata.name, f.check, f.message])).toEqual([
      [
        'postgresql',
        'monitor-target',
        'podMetricsEndpoints port "metrics" is not a named container port of the selected pods; they have postgresql',
      ],
    ]);
  });
});

describe('tracing', () => {
  test('where the table traces: the Instrumentation with the sampler, endpoint and environment attribute', () => {
    const prod = find(renderOf('prod/shared'), 'Instrumentation', 'shop');
    expect(prod.metadata.namespace).toBe('shop-prod');
    expect(prod.spec).toEqual({
      exporter: { endpoint: COLLECTOR },
      propagators: ['tracecontext', 'baggage'],
      sampler: { type: 'parentbased_traceidratio', argument: '0.1' },
      resource: { resourceAttributes: { 'deployment.environment.name': 'prod' } },
    });
    expect(find(renderOf('staging/shared'), 'Instrumentation', 'shop').spec.sampler.argument).toBe('1');
    expect(renderOf('dev/shared').some((o) => o.kind === 'Instrumentation')).toBe(false);
  });

  test('pods carry the inject annotation naming it where the table traces, and no version of their own', () => {
    const annotations = (env: string) =>
      find(renderOf(`${env}/cart`), 'Deployment', 'cart').spec.template.metadata.annotations;
    expect(annotations('prod')['instrumentation.opentelemetry.io/inject-sdk']).toBe('shop');
    expect(annotations('staging')['instrumentation.opentelemetry.io/inject-sdk']).toBe('shop');
    expect(annotations('dev')['instrumentation.opentelemetry.io/inject-sdk']).toBeUndefined();
    // service.version comes from the image tag (the operator reads it), so promotion edits only newTag
    const labels = find(renderOf('prod/cart'), 'Deployment', 'cart').spec.template.metadata.labels;
    expect(labels['app.kubernetes.io/version']).toBeUndefined();
  });

  test('the services may send OTLP to the collector port where the table traces', () => {
    const egress = find(renderOf('prod/shared'), 'NetworkPolicy', 'allow-web-egress').spec.egress;
    expect(egress[egress.length - 1]).toEqual({
      to: [{ namespaceSelector: {} }],
      ports: [{ protocol: 'TCP', port: 4317 }],
    });
  });
});

describe('the gate', () => {
  test('the synthesized tree validates clean, monitors and rules included', async () => {
    const result = await validate({ rootDir: root, platform: observed(new App()), cacheDir: false });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(hasErrors(result)).toBe(false);
  });

  const staging = () => [...renderOf('staging/cart'), ...renderOf('staging/mailer')];

  test('fails when a monitor or rule lacks the labels the environment Prometheus selects', () => {
    const objects = staging();
    find(objects, 'ServiceMonitor', 'cart').metadata.labels.prometheus = 'prod';
    expect(checkMonitoring(objects, { prometheusLabels: { prometheus: 'staging' } }).map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^Prometheus selects ServiceMonitors by prometheus=staging, got labels .*prometheus=prod.*: it would never be read$/,
      ),
    ]);
  });

  test('fails when a ServiceMonitor selects no Service, or a port the Service does not have', () => {
    const objects = staging();
    find(objects, 'ServiceMonitor', 'cart').spec.endpoints[0].port = 'metrics';
    expect(checkMonitoring(objects).map((f) => [f.check, f.message])).toEqual([
      ['monitor-target', 'endpoint port "metrics" is not a named port of Service cart; it has http'],
    ]);
    const alone = staging().filter((o) => o.kind !== 'Service');
    expect(checkMonitoring(alone).map((f) => f.message)).toEqual([
      'spec.selector app.kubernetes.io/name=cart,app.kubernetes.io/part-of=shop selects no Service in the environment',
    ]);
  });

  test('fails when a PodMonitor scrapes a port its pods do not have', () => {
    const objects = staging();
    find(objects, 'PodMonitor', 'mailer').spec.podMetricsEndpoints[0].port = 'http';
    expect(checkMonitoring(objects).map((f) => f.message)).toEqual([
      'podMetricsEndpoints port "http" is not a named container port of the selected pods; they have metrics',
    ]);
  });

  test('fails when a rule expression is not PromQL, naming the rule and the place', () => {
    const rule = find(renderOf('prod/shared'), 'PrometheusRule', 'shop');
    rule.spec.groups[1].rules[0].expr = 'sum(rate(x[5m])';
    expect(checkPromql(rule as K8sObject).map((f) => [f.check, f.message])).toEqual([
      [
        'promql',
        'spec.groups[1].rules[0] (record slo:sli_error:ratio_rate5m) expr is not valid PromQL (at the end): "sum(rate(x[5m])"',
      ],
    ]);
  });
});

describe('typed operations', () => {
  const env = (operations: object) =>
    new EnvironmentTable([
      {
        name: 'prod',
        namespace: 'shop-prod',
        scaling: Scaling.fixed(1),
        resources: { cpu: '100m', memory: '128Mi' },
        operations,
      },
    ]);
  const platformWith = (operations: object) => new Platform(new App(), 'shop', { environments: env(operations) });

  test('defaults: nothing scraped, alerted or traced, console logs', () => {
    const ops = env({}).get('prod').operations;
    expect([ops.metrics.describe(), ops.alerts.describe(), ops.tracing.describe(), ops.logging.describe()]).toEqual([
      'None',
      'None',
      'Disabled',
      'Console',
    ]);
    expect(ops.slo).toBeUndefined();
  });

  test('a service with objectives [] opts out of the environment SLO', () => {
    const platform = platformWith({
      metrics: Metrics.full(),
      alerts: Alerting.comprehensive(),
      slo: Objective.availability(99.9),
    });
    const a = new Microservice(platform, 'a', { image: 'shop/a', port: 80, initialTag: '1', metrics: {} });
    const b = new Microservice(platform, 'b', {
      image: 'shop/b',
      port: 80,
      initialTag: '1',
      metrics: {},
      objectives: [],
    });
    const prod = platform.environments.get('prod');
    expect(a.objectivesIn(prod).map((o) => o.describe())).toEqual(['99.9% over 30d (error budget 43.2 min)']);
    expect(b.objectivesIn(prod)).toEqual([]);
    const rules = yaml.load(
      new Map(render(platform).entries()).get('overlays/prod/shared/prometheus-rules.yaml')!,
    ) as Record<string, any>;
    expect(rules.spec.groups.map((g: { name: string }) => g.name)).toEqual([
      'shop-workloads',
      'shop-slo-a-availability',
    ]);
  });

  test('fails when alerts have no metrics to read', () => {
    expect(() => env({ alerts: Alerting.basic() })).toThrow(
      '[environments/prod] alerts need metrics (the rules are selected by the Prometheus that metrics names): set operations.metrics to Metrics.basic() or Metrics.full(), got alerts basic with metrics none',
    );
  });

  test('fails when an SLO is set without comprehensive alerts', () => {
    expect(() => env({ metrics: Metrics.basic(), alerts: Alerting.basic(), slo: Objective.availability(99) })).toThrow(
      '[environments/prod] an slo needs Alerting.comprehensive() (its burn-rate alerts are comprehensive alerts), got alerts basic',
    );
  });

  test('fails when a setting is out of range', () => {
    expect(() => Metrics.full({ scrapeInterval: '30 s' })).toThrow(
      '[metrics] scrapeInterval must be a Prometheus duration of one unit (s, m, h, d or w) such as 30s, 5m, 1h or 3d, got "30 s"',
    );
    expect(() => Metrics.basic({ prometheusLabels: {} })).toThrow(
      '[metrics] prometheusLabels must name at least one label Prometheus selects monitors by, got {}',
    );
    expect(() => Alerting.basic({ routingLabels: { severity: 'x' } })).toThrow(
      '[alerting] routing label must be a Prometheus label name other than severity, environment, namespace, service, slo, got "severity"',
    );
    expect(() => Tracing.openTelemetry({ endpoint: 'otel:4317' })).toThrow(
      '[tracing] endpoint must be an http:// or https:// OTLP URL such as http://otel-collector.observability:4317, got "otel:4317"',
    );
    expect(() => Tracing.openTelemetry({ endpoint: COLLECTOR, samplerRatio: 1.5 })).toThrow(
      '[tracing] samplerRatio must be from 0 to 1, got 1.5',
    );
    expect(() => Tracing.openTelemetry({ endpoint: COLLECTOR, propagators: ['w3c'] })).toThrow(
      '[tracing] propagator must be one of tracecontext, baggage, b3, b3multi, jaeger, xray, ottrace, none, got "w3c"',
    );
    expect(() => Logging.aggregated({ retentionDays: 0 })).toThrow('[logging] retentionDays must be >= 1, got 0');
  });

  test('fails when a metrics endpoint cannot be scraped', () => {
    const platform = platformWith({});
    expect(
      () =>
        new Microservice(platform, 'rpc', {
          image: 'shop/rpc',
          port: 9090,
          protocol: 'grpc',
          initialTag: '1',
          metrics: {},
        }),
    ).toThrow(
      '[shop/rpc] metrics.port must differ from the gRPC port 9090: Prometheus scrapes plain HTTP, so serve metrics on a port of their own',
    );
    expect(
      () =>
        new Microservice(platform, 'web', {
          image: 'shop/web',
          port: 80,
          initialTag: '1',
          metrics: { path: 'metrics' },
        }),
    ).toThrow('[shop/web] metrics.path must be an absolute HTTP path such as /metrics, got "metrics"');
    expect(
      () => new Worker(platform, 'w', { image: 'shop/w', initialTag: '1', probeCommand: ['true'], metrics: {} }),
    ).toThrow('[shop/w] metrics.port must be set: a worker has no port of its own to serve metrics on');
    expect(
      () =>
        new Worker(platform, 'w2', {
          image: 'shop/w',
          initialTag: '1',
          probeCommand: ['true'],
          metrics: { port: 9100 },
          objectives: [Objective.availability(99)],
        }),
    ).toThrow(
      '[shop/w2] objective availability needs an sli (on the objective or the worker: Sli.ratio or Sli.promql): a worker serves no requests to count',
    );
  });
});
