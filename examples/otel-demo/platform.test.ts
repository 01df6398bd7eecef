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

/** The application services, every one of upstream's. */
const SERVICES = [
  'accounting',
  'ad',
  'cart',
  'checkout',
  'currency',
  'email',
  'flagd',
  'fraud-detection',
  'frontend',
  'frontend-proxy',
  'image-provider',
  'load-generator',
  'payment',
  'product-catalog',
  'quote',
  'recommendation',
  'shipping',
];
const DATASTORES = ['kafka', 'postgresql', 'valkey-cart'];
/** Ports upstream's flagd has beside 8013: OFREP (8016) and its flagd-ui sidecar's (4000). */
const MISSING_PORTS: Record<string, number[]> = { flagd: [8016, 4000] };
/** Services without a port, like upstream's. */
const WORKERS = ['accounting', 'fraud-detection'];

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
          POSTGRESQL_PASSWORD: 'secret:postgresql-credentials/password',
          POSTGRESQL_USERNAME: 'secret:postgresql-credentials/username',
        },
        removed: [],
        changed: {
          ...withoutVersion(name),
          DB_CONNECTION_STRING: [
            'Host=postgresql;Username=otelu;Password=otelp;Database=otel',
            `Host=${prod ? 'postgresql-rw' : 'postgresql'};Username=$(POSTGRESQL_USERNAME);Password=$(POSTGRESQL_PASSWORD);Database=otel`,
          ],
          ...kafka,
        },
      };
    case 'checkout':
    case 'fraud-detection':
      return { added: {}, removed: [], changed: { ...withoutVersion(name), ...kafka } };
    default:
      return { added: {}, removed: [], changed: withoutVersion(name) };
  }
}

describe('otel-demo example (the OpenTelemetry Demo 2.1.3)', () => {
  test('the synthesized tree matches the snapshot', () => {
    expect(readTree(root)).toMatchSnapshot();
  });

  test('it describes every upstream service and datastore, in both environments', () => {
    const names = UPSTREAM.map((d) => d.name).sort();
    expect([...SERVICES, ...DATASTORES].sort()).toEqual(names);
    for (const objects of Object.values(rendered)) {
      expect(
        objects
          .filter((o) => o.kind === 'Deployment')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(SERVICES);
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

    test.each(SERVICES.filter((s) => !WORKERS.includes(s)))(
      '%s listens and is served on upstream ports (flagd on its gRPC port only)',
      (name) => {
        const theirs = upstream(name);
        const container = find(objects, 'Deployment', name).spec.template.spec.containers[0];
        const kept = (port: number) => !(MISSING_PORTS[name] ?? []).includes(port);
        expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual(
          theirs.containers[0].ports.filter(kept),
        );
        const service = find(objects, 'Service', name);
        expect(service.spec.type).toBe('ClusterIP');
        expect(service.spec.ports.map((p: { port: number }) => p.port)).toEqual(
          theirs.servicePorts.map((p) => p.port).filter(kept),
        );
      },
    );

    test.each(WORKERS)('%s has no port and no Service, like upstream', (name) => {
      expect(upstream(name).servicePorts).toEqual([]);
      expect(find(objects, 'Service', name)).toBeUndefined();
      expect(find(objects, 'Deployment', name).spec.template.spec.containers[0].ports).toBeUndefined();
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

  test('upstream has no probes; ours are gRPC health where the service serves it, else HTTP GET, TCP or exec; fraud-detection none, like upstream', () => {
    for (const { containers } of UPSTREAM) expect(containers[0].probes).toEqual([]);
    const probes = (name: string) => {
      const container = find(rendered.dev, 'Deployment', name).spec.template.spec.containers[0];
      const pick = (probe: any) => (probe ? (probe.grpc ?? probe.httpGet ?? probe.tcpSocket ?? probe.exec) : 'none');
      return [pick(container.readinessProbe), pick(container.livenessProbe)];
    };
    const grpc = { port: 8080 };
    const tcp = { port: 'http' };
    const expected: Record<string, unknown> = {
      accounting: { command: ['bash', '-c', 'exec 3<>"/dev/tcp/${KAFKA_ADDR%:*}/${KAFKA_ADDR##*:}"'] },
      ad: grpc,
      cart: grpc,
      checkout: grpc,
      currency: grpc,
      email: tcp,
      flagd: { port: 'grpc' },
      'fraud-detection': 'none',
      frontend: { path: '/', port: 'http' },
      'frontend-proxy': tcp,
      'image-provider': { path: '/status', port: 'http' },
      'load-generator': { path: '/', port: 'http' },
      payment: grpc,
      'product-catalog': grpc,
      quote: tcp,
      recommendation: grpc,
      shipping: tcp,
    };
    expect(Object.fromEntries(SERVICES.map((name) => [name, probes(name)]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([name, p]) => [name, [p, p]])),
    );
  });

  test('flagd reads its flags and product-catalog its catalogue from upstream ConfigMaps, at upstream paths', () => {
    for (const [name, configMap] of [
      ['flagd', 'flagd-config'],
      ['product-catalog', 'product-catalog-products'],
    ]) {
      const pod = find(rendered.prod, 'Deployment', name).spec.template.spec;
      const volume = pod.volumes.find((v: any) => v.configMap?.name === configMap);
      const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === volume.name);
      expect(upstream(name).containers[0].volumeMounts).toContain(mount.mountPath);
      expect(mount.readOnly).toBe(true);
      expect(find(rendered.prod, 'ConfigMap', configMap)).toBeUndefined();
    }
    expect(find(rendered.dev, 'Deployment', 'flagd').spec.template.spec.containers.map((c: any) => c.name)).toEqual([
      'flagd',
    ]);
  });

  test('dev runs one replica of each, like upstream; prod autoscales 2 to 6', () => {
    for (const name of SERVICES) {
      expect(find(rendered.dev, 'Deployment', name).spec.replicas).toBe(upstream(name).replicas);
    }
    for (const name of SERVICES) {
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

  test('image-provider and frontend-proxy render upstream templates into /tmp, the root filesystem being read-only', () => {
    const command = (name: string) =>
      find(rendered.dev, 'Deployment', name).spec.template.spec.containers[0].command.join(' ');
    expect(command('image-provider')).toContain('< /nginx.conf.template > /tmp/nginx/nginx.conf');
    expect(command('image-provider')).toContain('exec nginx -c /tmp/nginx/nginx.conf');
    expect(command('frontend-proxy')).toBe(
      '/bin/sh -c envsubst < envoy.tmpl.yaml > /tmp/envoy.yaml && exec envoy -c /tmp/envoy.yaml',
    );
  });

  test('only the storefront is public: prod routes its host to frontend-proxy', () => {
    const ingress = rendered.prod.filter((o) => o.kind === 'Ingress') as any[];
    expect(ingress.map((i) => i.spec.rules.map((r: any) => r.host))).toEqual([['shop.otel-demo.example.com']]);
    const backends = ingress.flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend)));
    expect(backends.map((b: any) => b.service.name)).toEqual(['frontend-proxy']);
    expect(rendered.dev.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  test('fraud-detection waives the probe checks on its Deployment, with the reason, through the escape hatch', () => {
    for (const objects of Object.values(rendered)) {
      const annotations = find(objects, 'Deployment', 'fraud-detection').metadata.annotations;
      const reason =
        'upstream runs this Kafka consumer without probes and its distroless image has no command to probe with';
      expect(annotations).toMatchObject({
        'stagecraft.dev/waive.liveness-probe': reason,
        'stagecraft.dev/waive.readiness-probe': reason,
      });
      expect(find(objects, 'Deployment', 'accounting').metadata.annotations ?? {}).not.toHaveProperty(
        'stagecraft.dev/waive.liveness-probe',
      );
    }
  });

  test('Valkey runs without a password, as upstream, and the cart gets no credential', () => {
    for (const objects of Object.values(rendered)) {
      const valkey = find(objects, 'StatefulSet', 'valkey-cart').spec.template.spec.containers[0];
      expect(JSON.stringify(valkey)).not.toContain('requirepass');
      const cart = find(objects, 'Deployment', 'cart').spec.template.spec.containers[0];
      expect(JSON.stringify(cart.env ?? [])).not.toContain('valkey-cart-credentials');
    }
    expect(rendered.prod.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name)).toEqual([
      'postgresql-credentials',
    ]);
  });

  test("accounting's Npgsql connection string takes user and password from the Secret, declared before it", () => {
    const env = find(rendered.prod, 'Deployment', 'accounting').spec.template.spec.containers[0].env as any[];
    const names = env.map((e) => e.name);
    expect(names.indexOf('POSTGRESQL_USERNAME')).toBeLessThan(names.indexOf('DB_CONNECTION_STRING'));
    expect(names.indexOf('POSTGRESQL_PASSWORD')).toBeLessThan(names.indexOf('DB_CONNECTION_STRING'));
    expect(env.find((e) => e.name === 'POSTGRESQL_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: 'postgresql-credentials', key: 'password' },
    });
  });

  test('prod allows exactly the edges of the connections, flagd included, and no edge to the telemetry backends', () => {
    const ingressTo = (name: string) =>
      rendered.prod
        .filter(
          (o) =>
            o.kind === 'NetworkPolicy' && (o as any).spec.podSelector?.matchLabels?.['app.kubernetes.io/name'] === name,
        )
        .flatMap((o: any) => (o.spec.ingress ?? []).flatMap((r: any) => r.from ?? []))
        .map((peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'])
        .filter((n: string | undefined) => n !== undefined)
        .sort();
    expect(ingressTo('flagd')).toEqual([
      'ad',
      'cart',
      'checkout',
      'email',
      'fraud-detection',
      'frontend',
      'frontend-proxy',
      'load-generator',
      'payment',
      'product-catalog',
      'recommendation',
    ]);
    expect(ingressTo('quote')).toEqual(['shipping']);
    expect(ingressTo('frontend')).toEqual(['frontend-proxy']);
    const egress = JSON.stringify(find(rendered.prod, 'NetworkPolicy', 'allow-checkout-egress').spec.egress);
    expect(egress).not.toContain('otel-collector');
  });

  test('prod reads Vault through a ClusterSecretStore admitting otel-demo-prod only; dev has none', () => {
    const store = find(rendered.prod, 'ClusterSecretStore', 'otel-demo-secrets');
    expect(store.spec).toEqual({
      conditions: [{ namespaces: ['otel-demo-prod'] }],
      provider: {
        vault: {
          server: 'http://vault.vault.svc:8200',
          path: 'secret',
          version: 'v2',
          auth: {
            kubernetes: {
              mountPath: 'kubernetes',
              role: 'otel-demo-prod',
              serviceAccountRef: { namespace: 'external-secrets', name: 'external-secrets' },
            },
          },
        },
      },
    });
    const stores = rendered.prod.filter((o) => o.kind === 'ExternalSecret').map((o: any) => o.spec.secretStoreRef.name);
    expect(new Set(stores)).toEqual(new Set(['otel-demo-secrets']));
    expect(rendered.dev.filter((o) => o.kind === 'ClusterSecretStore')).toEqual([]);
  });
});
