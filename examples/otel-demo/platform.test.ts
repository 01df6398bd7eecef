import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { synth } from '../../lib';
import { kustomizeSync } from '../../lib/kube/kubectl';
import { K8sObject } from '../../lib/kube/object';
import { readTree, tempDir } from '../../test/support';
import { otelDemo } from './platform';
import { UPSTREAM, UpstreamDeployment } from './upstream';

const root = tempDir('otel-demo-');
synth(otelDemo(new App()), { rootDir: root, outdir: 'dist' });
const rendered: Record<string, K8sObject[]> = {
  dev: kustomizeSync(path.join(root, 'overlays', 'dev')),
  prod: kustomizeSync(path.join(root, 'overlays', 'prod')),
};
const comparison = fs.readFileSync(path.join(__dirname, 'UPSTREAM.md'), 'utf8');

function find(objects: K8sObject[], kind: string, name: string): any {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function upstream(name: string): UpstreamDeployment {
  return UPSTREAM.find((d) => d.name === name)!;
}

/** Every variable the container sees: its ConfigMap (envFrom), then its env, Secret keys by reference. */
function environmentOf(objects: K8sObject[], name: string): Record<string, string> {
  const container = find(objects, 'Deployment', name).spec.template.spec.containers[0];
  const fromConfigMap = find(objects, 'ConfigMap', name)?.data ?? {};
  const own = (container.env ?? []).map((e: any) => [
    e.name,
    e.value ?? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`,
  ]);
  return { ...fromConfigMap, ...Object.fromEntries(own) };
}

/** How `ours` differs from `theirs`, variable by variable. */
function difference(theirs: Readonly<Record<string, string>>, ours: Record<string, string>) {
  return {
    added: Object.fromEntries(Object.entries(ours).filter(([k]) => !(k in theirs))),
    removed: Object.keys(theirs).filter((k) => !(k in ours)),
    changed: Object.fromEntries(
      Object.entries(ours)
        .filter(([k, v]) => k in theirs && theirs[k] !== v)
        .map(([k, v]) => [k, [theirs[k], v]]),
    ),
  };
}

/** The application services this example describes; the other upstream ones are listed in UPSTREAM.md. */
const SERVICES = [
  'accounting',
  'ad',
  'cart',
  'checkout',
  'currency',
  'frontend',
  'frontend-proxy',
  'image-provider',
  'load-generator',
  'payment',
  'product-catalog',
  'recommendation',
];
const NOT_DESCRIBED = ['email', 'flagd', 'fraud-detection', 'quote', 'shipping'];
const DATASTORES = ['kafka', 'postgresql', 'valkey-cart'];

/** Upstream's resource attributes carry the release; ours leave `service.version` to the image tag. */
const withoutVersion = (name: string) => ({
  OTEL_RESOURCE_ATTRIBUTES: [
    `service.name=${name},service.namespace=opentelemetry-demo,service.version=2.1.3`,
    `service.name=${name},service.namespace=opentelemetry-demo`,
  ],
});

/** Every environment-variable difference from upstream, per environment (UPSTREAM.md explains each). */
function expectedDifference(env: string, name: string) {
  const prod = env === 'prod';
  const kafka = prod ? { KAFKA_ADDR: ['kafka:9092', 'kafka-kafka-bootstrap:9092'] } : {};
  switch (name) {
    case 'accounting':
      return {
        added: {
          DB_HOST: prod ? 'postgresql-rw' : 'postgresql',
          DB_NAME: 'otel',
          DB_PASSWORD: 'secret:postgresql-credentials/password',
          DB_USER: 'secret:postgresql-credentials/username',
        },
        removed: ['DB_CONNECTION_STRING'],
        changed: { ...withoutVersion(name), ...kafka },
      };
    case 'checkout':
      return { added: {}, removed: [], changed: { ...withoutVersion(name), ...kafka } };
    case 'frontend-proxy':
      return {
        added: { FRONTEND_ADDR: 'http://frontend:8080', IMAGE_PROVIDER_ADDR: 'http://image-provider:8081' },
        removed: [],
        changed: withoutVersion(name),
      };
    default:
      return { added: {}, removed: [], changed: withoutVersion(name) };
  }
}

describe('otel-demo example (the OpenTelemetry Demo 2.1.3)', () => {
  test('the synthesized tree matches the snapshot', () => {
    expect(readTree(root)).toMatchSnapshot();
  });

  test('it describes twelve upstream services and its three datastores, and lists the other five', () => {
    const names = UPSTREAM.map((d) => d.name).sort();
    expect([...SERVICES, ...NOT_DESCRIBED, ...DATASTORES].sort()).toEqual(names);
    for (const objects of Object.values(rendered)) {
      expect(
        objects
          .filter((o) => o.kind === 'Deployment')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(SERVICES);
      for (const name of NOT_DESCRIBED) expect(find(objects, 'Deployment', name)).toBeUndefined();
    }
  });

  test('UPSTREAM.md compares every upstream Deployment and pins the commit', () => {
    expect(comparison).toContain('a8a3ea261ddb8111a430cdc3eadc64de76c3ae60');
    for (const { name } of UPSTREAM) expect(comparison).toContain(`### ${name}\n`);
  });

  describe.each(['dev', 'prod'])('%s', (env) => {
    const objects = rendered[env];

    test.each(SERVICES)('%s runs upstream image and tag, in its namespace', (name) => {
      const container = find(objects, 'Deployment', name).spec.template.spec.containers[0];
      expect(`${container.image}`).toBe(upstream(name).containers[0].image);
      expect(find(objects, 'Deployment', name).metadata.namespace).toBe(`otel-demo-${env}`);
    });

    test.each(SERVICES.filter((s) => s !== 'accounting'))('%s listens and is served on upstream ports', (name) => {
      const theirs = upstream(name);
      const container = find(objects, 'Deployment', name).spec.template.spec.containers[0];
      expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual(
        theirs.containers[0].ports,
      );
      const service = find(objects, 'Service', name);
      expect(service.spec.type).toBe('ClusterIP');
      expect(service.spec.ports.map((p: { port: number }) => p.port)).toEqual(theirs.servicePorts.map((p) => p.port));
    });

    test('accounting has no port and no Service, like upstream', () => {
      expect(upstream('accounting').servicePorts).toEqual([]);
      expect(find(objects, 'Service', 'accounting')).toBeUndefined();
      expect(find(objects, 'Deployment', 'accounting').spec.template.spec.containers[0].ports).toBeUndefined();
    });

    test.each(SERVICES)('%s sees upstream environment but for the documented differences', (name) => {
      expect(difference(upstream(name).containers[0].env, environmentOf(objects, name))).toEqual(
        expectedDifference(env, name),
      );
    });

    test.each(SERVICES)('%s has upstream memory as request and limit, and the table CPU', (name) => {
      const memory = upstream(name).containers[0].memoryLimit;
      const cpu = env === 'prod' ? '250m' : '100m';
      expect(find(objects, 'Deployment', name).spec.template.spec.containers[0].resources).toEqual({
        requests: { cpu, memory },
        limits: { cpu, memory },
      });
    });

    test.each(SERVICES)('%s runs as upstream user where upstream names one, always restricted', (name) => {
      const pod = find(objects, 'Deployment', name).spec.template.spec;
      const theirs = upstream(name).containers[0];
      if (theirs.runAsUser !== undefined) {
        expect(pod.securityContext).toMatchObject({ runAsUser: theirs.runAsUser, runAsGroup: theirs.runAsGroup });
      }
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
    });
  });

  test('upstream has no probes; ours are gRPC health where the service serves it, HTTP where it answers GET', () => {
    for (const { containers } of UPSTREAM) expect(containers[0].probes).toEqual([]);
    const probes = Object.fromEntries(
      SERVICES.map((name) => {
        const probe = find(rendered.dev, 'Deployment', name).spec.template.spec.containers[0].readinessProbe;
        return [name, probe.grpc ?? probe.httpGet ?? probe.exec];
      }),
    );
    expect(probes).toEqual({
      accounting: { command: ['bash', '-c', 'exec 3<>"/dev/tcp/${KAFKA_ADDR%:*}/${KAFKA_ADDR##*:}"'] },
      ad: { port: 8080 },
      cart: { port: 8080 },
      checkout: { port: 8080 },
      currency: { port: 8080 },
      frontend: { path: '/', port: 'http' },
      'frontend-proxy': { path: '/', port: 'http' },
      'image-provider': { path: '/status', port: 'http' },
      'load-generator': { path: '/', port: 'http' },
      payment: { port: 8080 },
      'product-catalog': { port: 8080 },
      recommendation: { port: 8080 },
    });
  });

  test('dev runs one replica of each, like upstream; prod autoscales 2 to 6', () => {
    for (const name of SERVICES) {
      expect(find(rendered.dev, 'Deployment', name).spec.replicas).toBe(upstream(name).replicas);
      expect(find(rendered.prod, 'HorizontalPodAutoscaler', name).spec).toMatchObject({
        minReplicas: 2,
        maxReplicas: 6,
      });
    }
  });

  test('the datastores keep upstream names and client ports; prod runs Kafka and PostgreSQL by operator', () => {
    for (const name of DATASTORES) {
      const service = find(rendered.dev, 'Service', name);
      expect(service.spec.ports.map((p: { port: number }) => p.port)).toContain(upstream(name).servicePorts[0].port);
    }
    expect(environmentOf(rendered.dev, 'cart').VALKEY_ADDR).toBe('valkey-cart:6379');
    expect(environmentOf(rendered.prod, 'cart').VALKEY_ADDR).toBe('valkey-cart:6379');
    expect(find(rendered.prod, 'Kafka', 'kafka')).toBeDefined();
    expect(find(rendered.prod, 'Cluster', 'postgresql')).toBeDefined();
    expect(find(rendered.prod, 'StatefulSet', 'valkey-cart')).toBeDefined();
  });

  test('image-provider renders upstream nginx template into /tmp, its root filesystem being read-only', () => {
    const container = find(rendered.dev, 'Deployment', 'image-provider').spec.template.spec.containers[0];
    expect(container.command.join(' ')).toContain('< /nginx.conf.template > /tmp/nginx/nginx.conf');
    expect(container.command.join(' ')).toContain('exec nginx -c /tmp/nginx/nginx.conf');
  });

  test('only the storefront is public: prod routes its host to frontend-proxy', () => {
    const ingress = rendered.prod.filter((o) => o.kind === 'Ingress') as any[];
    expect(ingress.map((i) => i.spec.rules.map((r: any) => r.host))).toEqual([['shop.otel-demo.example.com']]);
    const backends = ingress.flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend)));
    expect(backends.map((b: any) => b.service.name)).toEqual(['frontend-proxy']);
    expect(rendered.dev.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });
});
