import * as path from 'path';
import { App } from 'cdk8s';
import { EnvironmentTable, Microservice, MicroserviceProps, Platform, Scaling, synth } from '../lib';
import { jsonPatch } from '../lib/core/json-patch';
import { kustomizeSync } from '../lib/kube/kubectl';
import { tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();

function fixture(): Platform {
  return new Platform(new App(), 'hatch', {
    environments: new EnvironmentTable([
      { name: 'dev', namespace: 'hatch-dev', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
      {
        name: 'prod',
        namespace: 'hatch-prod',
        promotedFrom: 'dev',
        scaling: Scaling.fixed(3),
        resources: { cpu: '200m', memory: '256Mi' },
      },
    ]),
  });
}

const WEB: MicroserviceProps = { image: 'hatch/web', port: 8080, initialTag: '1.0.0' };

function synthesize(platform: Platform) {
  const root = tempDir();
  const files = new Map(synth(platform, { rootDir: root, outdir: 'dist' }).entries());
  const rendered = (env: string) => kustomizeSync(path.join(root, 'overlays', env, 'web')) as any[];
  return { files, rendered };
}

describe('MicroserviceProps.customize', () => {
  test('sees the objects as they render in each environment and its changes land in that overlay only', () => {
    const seen: Record<string, unknown> = {};
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      customize: (objects, env) => {
        const deployment = objects.find((o) => o.kind === 'Deployment') as any;
        seen[env.name] = {
          namespace: deployment.metadata.namespace,
          replicas: deployment.spec.replicas,
          cpu: deployment.spec.template.spec.containers[0].resources.requests.cpu,
          image: deployment.spec.template.spec.containers[0].image,
        };
        if (env.name !== 'prod') return;
        deployment.spec.template.spec.priorityClassName = 'business-critical';
        deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = true;
        deployment.spec.template.spec.containers[0].lifecycle = { preStop: { sleep: { seconds: 5 } } };
        delete deployment.spec.revisionHistoryLimit;
        objects.push({
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: { name: 'web' },
          spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, endpoints: [{ port: 'http' }] },
        });
      },
    });
    const { files, rendered } = synthesize(platform);
    expect(seen).toEqual({
      dev: { namespace: 'hatch-dev', replicas: 1, cpu: '100m', image: 'hatch/web' },
      prod: { namespace: 'hatch-prod', replicas: 3, cpu: '200m', image: 'hatch/web' },
    });
    expect([...files.keys()].filter((p) => p.includes('customize'))).toEqual([
      'overlays/prod/web/customize-deployment-web.yaml',
      'overlays/prod/web/customize-servicemonitor-web.yaml',
    ]);
    expect(files.get('overlays/prod/web/kustomization.yaml')).toContain(
      '  - path: customize-deployment-web.yaml\n    target:\n      kind: Deployment\n      name: web',
    );
    const prod = rendered('prod');
    const deployment = prod.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.priorityClassName).toBe('business-critical');
    expect(deployment.spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(deployment.spec.revisionHistoryLimit).toBeUndefined();
    // the overlay's own values and the pinned tag are still there
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers[0].image).toBe('hatch/web:1.0.0');
    const monitor = prod.find((o) => o.kind === 'ServiceMonitor');
    expect(monitor.metadata).toEqual({ name: 'web', namespace: 'hatch-prod', labels: { environment: 'prod' } });
    const dev = rendered('dev').find((o) => o.kind === 'Deployment');
    expect(dev.spec.template.spec.priorityClassName).toBeUndefined();
    expect(dev.spec.revisionHistoryLimit).toBe(5);
  });

  test('fails when it removes an object', () => {
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      customize: (objects) => {
        objects.splice(
          objects.findIndex((o) => o.kind === 'ServiceAccount'),
          1,
        );
      },
    });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[hatch/web/customize] removed ServiceAccount/web in dev; allowed: changing objects in place or adding new ones (use environments to leave the service out)',
    );
  });

  test('fails when it changes the service image', () => {
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      customize: (objects) => {
        (objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec.containers[0].image = 'hatch/web:9.9';
      },
    });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[hatch/web/customize] changed the image of web to "hatch/web:9.9" in dev; allowed: hatch/web, its tag pinned by the overlay (npm run set-image)',
    );
  });

  test('fails when it renames an object', () => {
    const platform = fixture();
    new Microservice(platform, 'web', {
      ...WEB,
      customize: (objects) => {
        objects.find((o) => o.kind === 'ConfigMap')!.metadata.name = 'other';
      },
    });
    expect(() => synth(platform, { rootDir: tempDir() })).toThrow(
      '[hatch/web/customize] removed ConfigMap/web in dev; allowed: changing objects in place or adding new ones (use environments to leave the service out)',
    );
  });
});

describe('jsonPatch', () => {
  test('the smallest operations, deterministic', () => {
    expect(
      jsonPatch(
        { a: 1, b: { c: [1, 2], d: 'x' }, 'x/y': 1, gone: true },
        { a: 2, b: { c: [1, 3], d: 'x', e: {} }, 'x/y': 2, list: [1] },
      ),
    ).toEqual([
      { op: 'remove', path: '/gone' },
      { op: 'add', path: '/a', value: 2 },
      { op: 'replace', path: '/b/c/1', value: 3 },
      { op: 'add', path: '/b/e', value: {} },
      { op: 'add', path: '/list', value: [1] },
      { op: 'add', path: '/x~1y', value: 2 },
    ]);
    expect(jsonPatch({ c: [1] }, { c: [1, 2] })).toEqual([{ op: 'add', path: '/c', value: [1, 2] }]);
    expect(jsonPatch({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
