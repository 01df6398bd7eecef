import * as path from 'path';
import { App } from 'cdk8s';
import { EnvironmentTable, Microservice, Platform, Scaling, synth, Worker, WorkerProps } from '../lib';
import { kustomizeSync } from '../lib/kube/kubectl';
import { tempDir } from './support';

const PING = ['celery', '-A', 'app', 'inspect', 'ping'];
const WORKER: WorkerProps = { image: 'shop/worker', initialTag: '1.0.0', probeCommand: PING };

function shop(): Platform {
  return new Platform(new App(), 'shop', {
    environments: new EnvironmentTable([
      {
        name: 'dev',
        namespace: 'shop-dev',
        scaling: Scaling.fixed(1),
        resources: { cpu: '100m', memory: '128Mi' },
      },
    ]),
  });
}

describe('Worker', () => {
  test('renders a Deployment with exec probes and no Service or port, scaled per environment', () => {
    // GIVEN a worker with three replicas in dev through an override
    const platform = shop();
    new Worker(platform, 'worker', { ...WORKER, overrides: { dev: { scaling: Scaling.fixed(3) } } });
    const root = tempDir();
    // WHEN synthesized and rendered with the real Kustomize
    const files = synth(platform, { rootDir: root, outdir: 'dist' });
    const objects = kustomizeSync(path.join(root, 'overlays', 'dev', 'worker'));
    // THEN the base has no Service and the pod keeps the restricted security defaults
    expect(
      files
        .entries()
        .map(([p]) => p)
        .filter((p) => p.startsWith('dist/worker/') && !p.includes('components')),
    ).toEqual([
      'dist/worker/configmap.yaml',
      'dist/worker/deployment.yaml',
      'dist/worker/kustomization.yaml',
      'dist/worker/serviceaccount.yaml',
    ]);
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'ServiceAccount']);
    const deployment = objects.find((o) => o.kind === 'Deployment') as any;
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.metadata.namespace).toBe('shop-dev');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.metadata.labels['app.kubernetes.io/component']).toBe('worker');
    expect(container.ports).toBeUndefined();
    expect(container.livenessProbe).toEqual({
      exec: { command: PING },
      initialDelaySeconds: 10,
      periodSeconds: 30,
      timeoutSeconds: 10,
      failureThreshold: 3,
    });
    expect(container.readinessProbe.exec.command).toEqual(PING);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
  });

  test('fails when the probe command is empty', () => {
    expect(() => new Worker(shop(), 'worker', { ...WORKER, probeCommand: [] })).toThrow(
      '[shop/worker] probeCommand must name a command, got []',
    );
  });

  test('fails when the probe timeout is below one second', () => {
    expect(() => new Worker(shop(), 'worker', { ...WORKER, probeTimeoutSeconds: 0 })).toThrow(
      '[shop/worker] probeTimeoutSeconds must be >= 1, got 0',
    );
  });

  test('fails when a worker is used as a connection', () => {
    const platform = shop();
    const worker = new Worker(platform, 'worker', WORKER);
    expect(
      () =>
        new Microservice(platform, 'web', {
          image: 'shop/web',
          port: 8000,
          initialTag: '1.0.0',
          connections: { WORKER_URL: worker },
        }),
    ).toThrow('[shop/worker] a worker has no endpoint: it cannot be a connection');
  });
});
