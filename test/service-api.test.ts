import * as path from 'path';
import { App } from 'cdk8s';
import {
  EnvironmentTable,
  Microservice,
  MicroserviceProps,
  Platform,
  Probe,
  Scaling,
  ServiceType,
  VolumeSource,
  Worker,
  synth,
} from '../lib';
import { kustomizeSync } from '../lib/kube/kubectl';
import { tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();

/** A two-environment fixture: dev (1 replica, 100m/128Mi) and prod (2 replicas, 200m/256Mi, PDBs). */
function fixture(): Platform {
  return new Platform(new App(), 'api', {
    environments: new EnvironmentTable([
      { name: 'dev', namespace: 'api-dev', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
      {
        name: 'prod',
        namespace: 'api-prod',
        promotedFrom: 'dev',
        scaling: Scaling.fixed(2),
        resources: { cpu: '200m', memory: '256Mi', cpuLimit: '400m' },
        disruptionBudget: true,
      },
    ]),
  });
}

const WEB: MicroserviceProps = { image: 'api/web', port: 8080, initialTag: '1.0.0' };

/** Synthesizes `platform` into a temp dir and renders `overlays/<env>/<service>` with the real Kustomize. */
function render(platform: Platform, env: string, service: string) {
  const root = tempDir();
  const set = synth(platform, { rootDir: root, outdir: 'dist' });
  const files = { paths: set.entries().map(([p]) => p), get: (p: string) => new Map(set.entries()).get(p) };
  const objects = kustomizeSync(path.join(root, 'overlays', env, service)) as any[];
  const byKind = (kind: string) => objects.find((o) => o.kind === kind);
  return { root, files, objects, byKind, deployment: byKind('Deployment'), service: byKind('Service') };
}

describe('per-environment enablement', () => {
  test('a service listed for prod only has a prod overlay and nothing in dev', () => {
    const platform = fixture();
    const web = new Microservice(platform, 'web', WEB);
    new Microservice(platform, 'loadgenerator', {
      image: 'api/loadgenerator',
      port: 8089,
      initialTag: '1.0.0',
      environments: ['prod'],
      connections: { FRONTEND_ADDR: web },
    });
    const { files, objects } = render(platform, 'prod', 'loadgenerator');
    const paths = files.paths;
    expect(paths).toContain('overlays/prod/loadgenerator/kustomization.yaml');
    expect(paths.filter((p) => p.startsWith('overlays/dev/loadgenerator'))).toEqual([]);
    expect(files.get('overlays/dev/kustomization.yaml')).not.toContain('loadgenerator');
    expect(files.get('overlays/dev/shared/network-policies.yaml')).not.toContain('loadgenerator');
    expect(files.get('overlays/prod/shared/network-policies.yaml')).toContain('allow-loadgenerator-to-web');
    expect(objects.find((o) => o.kind === 'Deployment').metadata.namespace).toBe('api-prod');
    expect(files.get('ENVIRONMENTS.md')).toContain('| **Dev** | Fixed (1 replica) | loadgenerator: not deployed |');
  });

  test('fails when environments names an unknown environment', () => {
    const platform = fixture();
    new Microservice(platform, 'web', { ...WEB, environments: ['qa'] });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[api/web] environments lists unknown environment "qa"; allowed: dev, prod',
    );
  });

  test('fails when a service connects to one that does not run where it does', () => {
    const platform = fixture();
    const only = new Microservice(platform, 'only', { ...WEB, image: 'api/only', environments: ['prod'] });
    new Microservice(platform, 'web', { ...WEB, connections: { ONLY_ADDR: only } });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[api/web] connection ONLY_ADDR is only, which does not run in dev; allowed: services of dev, or list only environments where only runs',
    );
  });

  test('fails when an override is for an environment the service does not run in', () => {
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      environments: ['prod'],
      overrides: { dev: { scaling: Scaling.fixed(3) } },
    });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[api/web] override for "dev", where the service does not run; allowed: prod',
    );
  });
});

describe('Service port and type', () => {
  test('a Service port different from the container port, as a LoadBalancer with a node port', () => {
    const platform = fixture();
    const frontend = new Microservice(platform, 'frontend', {
      ...WEB,
      servicePort: 80,
      serviceType: ServiceType.LOAD_BALANCER,
      nodePort: 30080,
    });
    new Microservice(platform, 'client', { ...WEB, image: 'api/client', connections: { FRONTEND_URL: frontend } });
    const { service, files } = render(platform, 'dev', 'frontend');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080 },
    ]);
    const client = kustomizeSync(path.join(render(platform, 'dev', 'client').root, 'overlays/dev/client')) as any[];
    const env = client.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: 'FRONTEND_URL', value: 'http://frontend:80' }]);
    // network policies allow the pod's port; compose, which has no Service, the container's
    expect(files.get('overlays/dev/shared/network-policies.yaml')).toMatch(
      /allow-client-to-frontend[\s\S]*?port: 8080/,
    );
    expect(files.get('local/docker-compose.yaml')).toContain('FRONTEND_URL: http://frontend:8080');
  });

  test('fails when a nodePort is given to a ClusterIP Service', () => {
    expect(() => new Microservice(fixture(), 'web', { ...WEB, nodePort: 30080 })).toThrow(
      '[api/web] nodePort 30080 has no effect on a ClusterIP Service; allowed: serviceType NODE_PORT or LOAD_BALANCER',
    );
  });

  test('fails when a nodePort is out of range', () => {
    expect(
      () => new Microservice(fixture(), 'web', { ...WEB, serviceType: ServiceType.NODE_PORT, nodePort: 8080 }),
    ).toThrow('[api/web] nodePort must be in the node port range 30000-32767, got 8080');
  });
});

describe('probes', () => {
  test('http readiness with headers and timings, tcp liveness and an exec startup probe', () => {
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      readinessProbe: Probe.http({
        path: '/_healthz',
        headers: { Cookie: 'shop_session-id=x-readiness-probe' },
        initialDelaySeconds: 10,
        periodSeconds: 5,
        timeoutSeconds: 3,
        failureThreshold: 6,
      }),
      livenessProbe: Probe.tcp({ periodSeconds: 20 }),
      startupProbe: Probe.exec({ command: ['/bin/grpc_health_probe', '-addr=:8080'], failureThreshold: 30 }),
    });
    const container = render(platform, 'dev', 'web').deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe).toEqual({
      httpGet: {
        path: '/_healthz',
        port: 'http',
        httpHeaders: [{ name: 'Cookie', value: 'shop_session-id=x-readiness-probe' }],
      },
      initialDelaySeconds: 10,
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 6,
    });
    expect(container.livenessProbe).toEqual({
      tcpSocket: { port: 'http' },
      initialDelaySeconds: 10,
      periodSeconds: 20,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(container.startupProbe).toEqual({
      exec: { command: ['/bin/grpc_health_probe', '-addr=:8080'] },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 30,
    });
  });

  test('grpc probes on a gRPC service, and none at all', () => {
    const platform = fixture();
    new Microservice(platform, 'cart', {
      ...WEB,
      image: 'api/cart',
      port: 7070,
      protocol: 'grpc',
      readinessProbe: Probe.grpc({ service: 'hipstershop.CartService', periodSeconds: 15 }),
      livenessProbe: Probe.none(),
    });
    const container = render(platform, 'dev', 'cart').deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe).toEqual({
      grpc: { port: 7070, service: 'hipstershop.CartService' },
      initialDelaySeconds: 0,
      periodSeconds: 15,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(container.livenessProbe).toBeUndefined();
  });

  test('a worker may give its own exec probes instead of probeCommand', () => {
    const platform = fixture();
    new Worker(platform, 'worker', {
      image: 'api/worker',
      initialTag: '1.0.0',
      readinessProbe: Probe.exec({ command: ['test', '-f', '/tmp/ready'] }),
      livenessProbe: Probe.exec({ command: ['test', '-f', '/tmp/alive'], periodSeconds: 60 }),
    });
    const { deployment, files } = render(platform, 'dev', 'worker');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.exec.command).toEqual(['test', '-f', '/tmp/ready']);
    expect(container.livenessProbe).toEqual({
      exec: { command: ['test', '-f', '/tmp/alive'] },
      initialDelaySeconds: 10,
      periodSeconds: 60,
      timeoutSeconds: 10,
      failureThreshold: 3,
    });
    expect(container.ports).toBeUndefined();
    expect(files.get('local/docker-compose.yaml')).not.toMatch(/65535/);
  });

  test('fails when a worker has neither probeCommand nor both probes', () => {
    expect(() => new Worker(fixture(), 'worker', { image: 'api/worker', initialTag: '1.0.0' })).toThrow(
      '[api/worker] a worker needs probeCommand, or both readinessProbe and livenessProbe; got neither',
    );
  });

  test('fails when healthPath is set on a gRPC service', () => {
    expect(() => new Microservice(fixture(), 'cart', { ...WEB, protocol: 'grpc', healthPath: '/health' })).toThrow(
      '[api/cart] healthPath "/health" has no effect on a gRPC service (its probes are gRPC health checks); allowed: no healthPath, or Probe.http()',
    );
  });

  test('fails when livenessInitialDelaySeconds and the liveness probe both set the delay', () => {
    expect(
      () =>
        new Microservice(fixture(), 'web', {
          ...WEB,
          livenessInitialDelaySeconds: 30,
          livenessProbe: Probe.http({ initialDelaySeconds: 5 }),
        }),
    ).toThrow(
      '[api/web] livenessInitialDelaySeconds 30 has no effect: livenessProbe sets initialDelaySeconds 5; allowed: one of them',
    );
  });

  test('fails when a probe timing is out of range or a probe option is misspelt', () => {
    expect(
      () => new Microservice(fixture(), 'web', { ...WEB, readinessProbe: Probe.http({ periodSeconds: 0 }) }),
    ).toThrow('[api/web] readinessProbe.periodSeconds must be >= 1, got 0');
    expect(
      () => new Microservice(fixture(), 'web', { ...WEB, readinessProbe: Probe.http({ pth: '/x' } as never) }),
    ).toThrow('[api/web] unknown prop readinessProbe.pth (HttpProbeOptions), did you mean path?');
  });
});

describe('pod and container settings', () => {
  test('grace period, pod annotations and labels, container name, command, volumes, placement, init containers and sidecars', () => {
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      containerName: 'server',
      command: ['/app/server'],
      args: ['--port', '8080'],
      terminationGracePeriodSeconds: 5,
      podAnnotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' },
      podLabels: { tier: 'web' },
      volumes: [
        { mountPath: '/etc/web', source: VolumeSource.configMap('web-config', { items: { 'web.conf': 'web.conf' } }) },
        { mountPath: '/var/run/certs', source: VolumeSource.secret('web-tls') },
      ],
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: 'kubernetes.io/hostname',
                labelSelector: { matchLabels: { tier: 'web' } },
              },
            },
          ],
        },
      },
      initContainers: [{ name: 'migrate', image: 'api/migrate:1.0.0', args: ['up'] }],
      sidecars: [
        { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', port: 9901, resources: { cpu: '20m', memory: '32Mi' } },
      ],
    });
    const { deployment } = render(platform, 'prod', 'web');
    const pod = deployment.spec.template;
    expect(pod.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers']).toBe('true');
    expect(pod.metadata.labels.tier).toBe('web');
    expect(pod.spec.terminationGracePeriodSeconds).toBe(5);
    expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(pod.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }]);
    expect(pod.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['server', 'proxy']);
    const [server, proxy] = pod.spec.containers;
    expect(server.command).toEqual(['/app/server']);
    expect(server.args).toEqual(['--port', '8080']);
    // the overlay's resources land on the renamed container
    expect(server.resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { cpu: '400m', memory: '256Mi' },
    });
    expect(server.volumeMounts).toEqual([
      { name: 'writable-0', mountPath: '/tmp' },
      { name: 'configmap-web-config', mountPath: '/etc/web', readOnly: true },
      { name: 'secret-web-tls', mountPath: '/var/run/certs', readOnly: true },
    ]);
    expect(pod.spec.volumes).toEqual(
      expect.arrayContaining([
        {
          name: 'configmap-web-config',
          configMap: { name: 'web-config', items: [{ key: 'web.conf', path: 'web.conf' }] },
        },
        { name: 'secret-web-tls', secret: { secretName: 'web-tls' } },
      ]),
    );
    expect(proxy.image).toBe('envoyproxy/envoy:v1.31.0');
    expect(proxy.ports).toEqual([{ name: 'proxy', containerPort: 9901, protocol: 'TCP' }]);
    expect(proxy.resources).toEqual({
      requests: { cpu: '20m', memory: '32Mi' },
      limits: { cpu: '20m', memory: '32Mi' },
    });
    expect(proxy.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.spec.initContainers).toEqual([
      expect.objectContaining({ name: 'migrate', image: 'api/migrate:1.0.0', args: ['up'] }),
    ]);
    expect(pod.spec.initContainers[0].resources.limits).toEqual({ cpu: '50m', memory: '64Mi' });
  });

  test('fails when a pod label would replace a selector label', () => {
    expect(
      () => new Microservice(fixture(), 'web', { ...WEB, podLabels: { 'app.kubernetes.io/name': 'other' } }),
    ).toThrow(
      '[api/web] podLabels.app.kubernetes.io/name is set by the platform (selector and component labels); allowed: any other label',
    );
  });

  test('fails when a sidecar image has no fixed tag', () => {
    expect(
      () =>
        new Microservice(fixture(), 'web', { ...WEB, sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:latest' }] }),
    ).toThrow(
      '[api/web] sidecars[0].image must be a reference with a fixed tag or digest (e.g. busybox:1.36), got "envoyproxy/envoy:latest"',
    );
  });

  test('fails when two containers share a name', () => {
    expect(
      () => new Microservice(fixture(), 'web', { ...WEB, sidecars: [{ name: 'web', image: 'busybox:1.36' }] }),
    ).toThrow('[api/web] container name "web" is used twice in the pod; allowed: unique names');
  });
});

describe('per-service base resources', () => {
  test('the table, then the service, then its override, field by field', () => {
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      resources: { memory: '512Mi' },
      overrides: { prod: { resources: { cpu: '1' } } },
    });
    const dev = render(platform, 'dev', 'web').deployment.spec.template.spec.containers[0].resources;
    const prod = render(platform, 'prod', 'web').deployment.spec.template.spec.containers[0].resources;
    expect(dev).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '100m', memory: '512Mi' } });
    // the override's cpu request moves its default limit (the table's 400m limit no longer applies)
    expect(prod).toEqual({ requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } });
  });

  test('ENVIRONMENTS.md names the real QoS class', () => {
    const platform = fixture();
    new Microservice(platform, 'web', WEB);
    const doc = render(platform, 'dev', 'web').files.get('ENVIRONMENTS.md')!;
    expect(doc).toContain('Burstable (marked) otherwise');
    expect(doc).toContain('| Web | 100m / 128Mi | 200m / 256Mi (limit 400m / 256Mi), Burstable |');
  });
});

describe('strict props', () => {
  test('fails when a prop is misspelt', () => {
    expect(() => new Microservice(fixture(), 'web', { ...WEB, healthpath: '/healthz' } as never)).toThrow(
      '[api/web] unknown prop healthpath (MicroserviceProps), did you mean healthPath?',
    );
  });

  test('fails when an override key is misspelt', () => {
    expect(
      () => new Microservice(fixture(), 'web', { ...WEB, overrides: { prod: { resource: { cpu: '1' } } } } as never),
    ).toThrow('[api/web] unknown prop overrides.prod.resource (ServiceOverride), did you mean resources?');
  });

  test('fails when a worker is given a port', () => {
    expect(
      () =>
        new Worker(fixture(), 'worker', {
          image: 'api/worker',
          initialTag: '1',
          probeCommand: ['true'],
          port: 80,
        } as never),
    ).toThrow('[api/worker] unknown prop port (WorkerProps)');
  });

  test('fails when a variable is also a connection', () => {
    const platform = fixture();
    const web = new Microservice(platform, 'web', WEB);
    expect(
      () =>
        new Microservice(platform, 'client', {
          ...WEB,
          image: 'api/client',
          variables: { WEB_URL: 'http://elsewhere' },
          connections: { WEB_URL: web },
        }),
    ).toThrow('[api/client] variable WEB_URL is set in variables and in connections; allowed: one of them');
  });

  test('fails when a variable holds $(VAR), which a ConfigMap never expands', () => {
    expect(() => new Microservice(fixture(), 'web', { ...WEB, variables: { URL: 'http://$(HOST):80' } })).toThrow(
      '[api/web] variable URL is "http://$(HOST):80", but $(VAR) is never expanded in a ConfigMap; allowed: a literal value, or a connection template',
    );
  });

  test('fails when the table names a datastore the platform does not have', () => {
    const platform = new Platform(new App(), 'api', {
      environments: new EnvironmentTable([
        {
          name: 'dev',
          namespace: 'api-dev',
          scaling: Scaling.fixed(1),
          resources: { cpu: '100m', memory: '128Mi' },
          datastores: { replicas: { postgress: 1 } },
        },
      ]),
    });
    new Microservice(platform, 'web', WEB);
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[environments/dev] datastores.replicas.postgress names no datastore of the platform; allowed: none (the platform has no datastores)',
    );
  });

  test('fails when two services claim the same localPort', () => {
    const platform = fixture();
    new Microservice(platform, 'a', { ...WEB, image: 'api/a', localPort: 9000 });
    new Microservice(platform, 'b', { ...WEB, image: 'api/b', localPort: 9000 });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      "[api/b] localPort 9000 is already a's; allowed: a port no other service or datastore publishes",
    );
  });
});
