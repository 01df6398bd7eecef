import * as path from 'path';
import { App } from 'cdk8s';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  Microservice,
  Platform,
  Probe,
  Scaling,
  ServiceType,
  Worker,
  synth,
} from '../lib';
import { parse } from 'yaml';
import { kustomizeSync } from '../lib/kube/kubectl';
import { tempDir } from './support';

/**
 * Google's Online Boutique (GoogleCloudPlatform/microservices-demo, release/kubernetes-manifests.yaml)
 * described with the public API: every shape the issue found missing, with the published values.
 * A test fixture only, never an example. Left different from the published manifests: one
 * frontend Service (LoadBalancer on 80) instead of `frontend` plus `frontend-external`; the
 * platform's own user 10001 instead of 1000; redis-cart is the platform's Redis datastore without
 * auth (a StatefulSet with its own volume claim instead of a Deployment with an emptyDir).
 */
function boutique(app: App): Platform {
  const environments = new EnvironmentTable([
    {
      name: 'dev',
      namespace: 'boutique-dev',
      scaling: Scaling.fixed(1),
      resources: { cpu: '100m', memory: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi' },
    },
    {
      name: 'prod',
      namespace: 'boutique-prod',
      promotedFrom: 'dev',
      scaling: Scaling.fixed(1),
      resources: { cpu: '100m', memory: '64Mi', cpuLimit: '200m', memoryLimit: '128Mi' },
    },
  ]);
  const platform = new Platform(app, 'boutique', { environments });
  const redisCart = new Datastore(platform, 'redis-cart', { engine: DatastoreEngine.REDIS, auth: false });
  const grpc = (name: string, port: number, extra: Partial<ConstructorParameters<typeof Microservice>[2]> = {}) =>
    new Microservice(platform, name, {
      image: `boutique/${name}`,
      initialTag: 'v0.10.2',
      port,
      protocol: 'grpc',
      terminationGracePeriodSeconds: 5,
      readinessProbe: Probe.grpc({ periodSeconds: 5 }),
      livenessProbe: Probe.grpc({ periodSeconds: 5 }),
      ...extra,
      variables: { PORT: `${port}`, ...extra.variables },
    });
  const addr = (s: Microservice) => s.connection('{address}');
  const productcatalog = grpc('productcatalogservice', 3550);
  const currency = grpc('currencyservice', 7000, { servicePort: 7000 });
  const payment = grpc('paymentservice', 50051);
  const shipping = grpc('shippingservice', 50051, { localPort: 50052 });
  const email = grpc('emailservice', 8080, {
    servicePort: 5000,
    localPort: 8081,
    variables: { DISABLE_PROFILER: '1' },
  });
  const cart = grpc('cartservice', 7070, {
    resources: { cpu: '200m', cpuLimit: '300m' },
    readinessProbe: Probe.grpc({ initialDelaySeconds: 15 }),
    livenessProbe: Probe.grpc({ initialDelaySeconds: 15, periodSeconds: 10 }),
    connections: { REDIS_ADDR: redisCart.connection('{address}') },
  });
  const recommendation = grpc('recommendationservice', 8080, {
    localPort: 8082,
    resources: { memory: '220Mi', memoryLimit: '450Mi' },
    connections: { PRODUCT_CATALOG_SERVICE_ADDR: addr(productcatalog) },
  });
  const ad = grpc('adservice', 9555, {
    resources: { cpu: '200m', memory: '180Mi', cpuLimit: '300m', memoryLimit: '300Mi' },
    readinessProbe: Probe.grpc({ initialDelaySeconds: 20, periodSeconds: 15 }),
    livenessProbe: Probe.grpc({ initialDelaySeconds: 20, periodSeconds: 15 }),
  });
  const checkout = grpc('checkoutservice', 5050, {
    connections: {
      PRODUCT_CATALOG_SERVICE_ADDR: addr(productcatalog),
      SHIPPING_SERVICE_ADDR: addr(shipping),
      PAYMENT_SERVICE_ADDR: addr(payment),
      EMAIL_SERVICE_ADDR: addr(email),
      CURRENCY_SERVICE_ADDR: addr(currency),
      CART_SERVICE_ADDR: addr(cart),
    },
  });
  const probe = () =>
    Probe.http({
      path: '/_healthz',
      initialDelaySeconds: 10,
      headers: { Cookie: 'shop_session-id=x-readiness-probe' },
    });
  const frontend = new Microservice(platform, 'frontend', {
    image: 'boutique/frontend',
    initialTag: 'v0.10.2',
    port: 8080,
    servicePort: 80,
    serviceType: ServiceType.LOAD_BALANCER,
    localPort: 8083,
    component: 'frontend',
    podAnnotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' },
    readinessProbe: probe(),
    livenessProbe: probe(),
    variables: { PORT: '8080', ENABLE_PROFILER: '0' },
    connections: {
      PRODUCT_CATALOG_SERVICE_ADDR: addr(productcatalog),
      CURRENCY_SERVICE_ADDR: addr(currency),
      CART_SERVICE_ADDR: addr(cart),
      RECOMMENDATION_SERVICE_ADDR: addr(recommendation),
      SHIPPING_SERVICE_ADDR: addr(shipping),
      CHECKOUT_SERVICE_ADDR: addr(checkout),
      AD_SERVICE_ADDR: addr(ad),
    },
  });
  new Worker(platform, 'loadgenerator', {
    image: 'boutique/loadgenerator',
    initialTag: 'v0.10.2',
    environments: ['prod'],
    terminationGracePeriodSeconds: 5,
    podAnnotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' },
    readinessProbe: Probe.none(),
    livenessProbe: Probe.none(),
    resources: { cpu: '300m', memory: '256Mi', cpuLimit: '500m', memoryLimit: '512Mi' },
    variables: { USERS: '10', RATE: '1' },
    connections: { FRONTEND_ADDR: addr(frontend) },
    initContainers: [
      {
        name: 'frontend-check',
        image: 'busybox:1.36',
        command: ['/bin/sh', '-exc', 'until wget --spider -q -T 2 "http://${FRONTEND_ADDR}"; do sleep 10; done'],
        variables: { FRONTEND_ADDR: 'frontend:80' },
      },
    ],
  });
  return platform;
}

describe('Online Boutique is expressible with the public API', () => {
  const root = tempDir();
  const files = new Map(synth(boutique(new App()), { rootDir: root, outdir: 'dist' }).entries());
  const rendered = (env: string, service: string) => kustomizeSync(path.join(root, 'overlays', env, service)) as any[];
  const pod = (env: string, service: string) =>
    rendered(env, service).find((o) => o.kind === 'Deployment').spec.template;

  test('emailservice: Service 5000 -> container 8080, gRPC probes every 5 s, grace period 5 s', () => {
    const objects = rendered('dev', 'emailservice');
    const service = objects.find((o) => o.kind === 'Service');
    expect(service.spec.ports).toEqual([{ name: 'grpc', port: 5000, targetPort: 'grpc', protocol: 'TCP' }]);
    const template = objects.find((o) => o.kind === 'Deployment').spec.template;
    const container = template.spec.containers[0];
    expect(container.ports).toEqual([{ name: 'grpc', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.readinessProbe).toEqual({
      grpc: { port: 8080 },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(template.spec.terminationGracePeriodSeconds).toBe(5);
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
    });
  });

  test('frontend: LoadBalancer 80 -> 8080, HTTP probes with the session cookie, Istio annotation, addresses without a scheme', () => {
    const objects = rendered('prod', 'frontend');
    expect(objects.find((o) => o.kind === 'Service').spec).toMatchObject({
      type: 'LoadBalancer',
      ports: [{ port: 80, targetPort: 'http' }],
    });
    const template = objects.find((o) => o.kind === 'Deployment').spec.template;
    expect(template.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers']).toBe('true');
    const container = template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({
      path: '/_healthz',
      port: 'http',
      httpHeaders: [{ name: 'Cookie', value: 'shop_session-id=x-readiness-probe' }],
    });
    expect(container.readinessProbe.initialDelaySeconds).toBe(10);
    expect(Object.fromEntries(container.env.map((e: any) => [e.name, e.value]))).toEqual({
      AD_SERVICE_ADDR: 'adservice:9555',
      CART_SERVICE_ADDR: 'cartservice:7070',
      CHECKOUT_SERVICE_ADDR: 'checkoutservice:5050',
      CURRENCY_SERVICE_ADDR: 'currencyservice:7000',
      PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550',
      RECOMMENDATION_SERVICE_ADDR: 'recommendationservice:8080',
      SHIPPING_SERVICE_ADDR: 'shippingservice:50051',
    });
  });

  test('cartservice: its own resources over the table, later probes, redis-cart by address with no password', () => {
    const container = pod('dev', 'cartservice').spec.containers[0];
    expect(container.resources).toEqual({
      requests: { cpu: '200m', memory: '64Mi' },
      limits: { cpu: '300m', memory: '128Mi' },
    });
    expect(container.readinessProbe.initialDelaySeconds).toBe(15);
    expect(container.livenessProbe.periodSeconds).toBe(10);
    expect(container.env).toEqual([{ name: 'REDIS_ADDR', value: 'redis-cart:6379' }]);
    expect(files.get('overlays/dev/shared/network-policies.yaml')).toContain('allow-cartservice-to-redis-cart');
  });

  test('redis-cart runs without a password and no credentials Secret is expected', () => {
    const server = rendered('dev', 'redis-cart').find((o) => o.kind === 'StatefulSet').spec.template.spec.containers[0];
    expect(JSON.stringify(server)).not.toMatch(/requirepass|REDIS_PASSWORD|-a /);
    expect(server.args ?? server.command).not.toContain('--requirepass');
    expect([...files.values()].some((text) => text.includes('redis-cart-credentials'))).toBe(false);
    const compose = parse(files.get('local/docker-compose.yaml')!);
    expect(compose.services['redis-cart'].environment).toEqual({});
    expect(files.get('local/.env.example')).not.toContain('REDIS_CART');
  });

  test('fails when a datastore without auth would run a topology that needs a password', () => {
    const platform = new Platform(new App(), 'boutique', {
      environments: new EnvironmentTable([
        {
          name: 'prod',
          namespace: 'boutique-prod',
          scaling: Scaling.fixed(1),
          resources: { cpu: '100m', memory: '64Mi' },
          datastores: { topologies: { 'redis-cart': DatastoreTopology.HA } },
        },
      ]),
    });
    new Datastore(platform, 'redis-cart', { engine: DatastoreEngine.REDIS, auth: false });
    new Microservice(platform, 'cart', { image: 'boutique/cart', port: 7070, initialTag: '1' });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[boutique/redis-cart] auth false is not possible with redis ha in environment prod; allowed: auth true, or an engine and topology that run without a password (redis single or external)',
    );
  });

  test('checkoutservice reaches emailservice on the Service port, the network policy allows the container port', () => {
    const env = pod('dev', 'checkoutservice').spec.containers[0].env;
    expect(env).toContainEqual({ name: 'EMAIL_SERVICE_ADDR', value: 'emailservice:5000' });
    expect(files.get('overlays/dev/shared/network-policies.yaml')).toMatch(
      /name: allow-checkoutservice-to-emailservice[\s\S]*?port: 8080/,
    );
  });

  test('loadgenerator runs in prod only, behind an init container, without probes or port', () => {
    expect([...files.keys()].some((p) => p.startsWith('overlays/dev/loadgenerator/'))).toBe(false);
    const template = pod('prod', 'loadgenerator');
    expect(template.spec.initContainers.map((c: any) => [c.name, c.image])).toEqual([
      ['frontend-check', 'busybox:1.36'],
    ]);
    const container = template.spec.containers[0];
    expect(container.readinessProbe).toBeUndefined();
    expect(container.livenessProbe).toBeUndefined();
    expect(container.ports).toBeUndefined();
    expect(container.env).toEqual([{ name: 'FRONTEND_ADDR', value: 'frontend:80' }]);
    expect(container.resources.limits).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(files.get('ENVIRONMENTS.md')).toContain('loadgenerator: not deployed');
  });

  test('compose: unique host ports, services reached on their container ports, no load generator in dev', () => {
    const compose = parse(files.get('local/docker-compose.yaml')!);
    const ports = Object.values(compose.services).flatMap((s: any) => s.ports ?? []) as string[];
    expect(new Set(ports).size).toBe(ports.length);
    expect(compose.services.emailservice.ports).toEqual(['127.0.0.1:8081:8080']);
    expect(compose.services.shippingservice.ports).toEqual(['127.0.0.1:50052:50051']);
    expect(compose.services.paymentservice.ports).toEqual(['127.0.0.1:50051:50051']);
    expect(compose.services.checkoutservice.environment.EMAIL_SERVICE_ADDR).toBe('emailservice:8080');
    expect(compose.services.frontend.environment.PRODUCT_CATALOG_SERVICE_ADDR).toBe('productcatalogservice:3550');
    expect(compose.services.loadgenerator).toBeUndefined();
    expect(files.get('ENVIRONMENTS.md')).toContain('emailservice 8081');
  });
});
