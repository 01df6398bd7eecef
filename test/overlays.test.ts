import * as path from 'path';
import { kustomizeSync } from '../lib/kube/kubectl';
import { synthBazaar, tempDir } from './support';
import { K8sObject } from '../lib/kube/object';

/**
 * Renders every committed-style overlay with the real Kustomize (kubectl 1.33, Kustomize 5.6)
 * and asserts what each environment really receives.
 */
const root = tempDir();
synthBazaar(root);

const SERVICES = ['catalogue', 'frontend', 'recommendation', 'voting'];
const EXPECTED = {
  dev: {
    namespace: 'bazaar-dev',
    replicas: 1,
    hpa: undefined,
    cpu: '100m',
    memory: '128Mi',
    log: 'DEBUG',
    flask: 'True',
    node: 'development',
    gin: 'debug',
    pdb: false,
  },
  staging: {
    namespace: 'bazaar-staging',
    replicas: 2,
    hpa: undefined,
    cpu: '200m',
    memory: '256Mi',
    log: 'INFO',
    flask: 'False',
    node: 'staging',
    gin: 'release',
    pdb: true,
  },
  prod: {
    namespace: 'bazaar-prod',
    replicas: undefined,
    hpa: [3, 10],
    cpu: '500m',
    memory: '512Mi',
    log: 'WARN',
    flask: 'False',
    node: 'production',
    gin: 'release',
    pdb: true,
  },
} as const;
const TAGS: Record<string, string> = {
  catalogue: '1.4.2',
  frontend: '1.8.0',
  recommendation: '1.2.5',
  voting: '2.1.0',
};

type Pod = { containers: Array<Record<string, any>>; [k: string]: any };

function find(objects: K8sObject[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The environment a container really sees: its envFrom ConfigMaps, then its env list. */
function containerEnv(objects: K8sObject[], container: Record<string, any>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    Object.assign(env, find(objects, 'ConfigMap', source.configMapRef.name).data);
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

describe.each(Object.entries(EXPECTED))('overlays/%s rendered by kubectl kustomize', (env, want) => {
  describe.each(SERVICES)('%s', (service) => {
    const objects = kustomizeSync(path.join(root, 'overlays', env, service));
    const deployment = find(objects, 'Deployment', service);
    const pod: Pod = deployment.spec.template.spec;
    const [container] = pod.containers;

    test('every object is in the environment namespace with the standard labels', () => {
      for (const o of objects) {
        expect([o.kind, o.metadata.namespace]).toEqual([o.kind, want.namespace]);
        expect(o.metadata.labels).toMatchObject({
          'app.kubernetes.io/name': service,
          'app.kubernetes.io/part-of': 'bazaar',
          environment: env,
        });
      }
      expect(deployment.spec.template.metadata.labels).toMatchObject({
        environment: env,
        'app.kubernetes.io/name': service,
      });
    });

    test('replicas or HPA as the environment table says', () => {
      expect(deployment.spec.replicas).toBe(want.replicas);
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as any;
      if (want.hpa) {
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual(want.hpa);
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
      } else {
        expect(hpa).toBeUndefined();
      }
    });

    test('requests equal limits (Guaranteed QoS)', () => {
      const size = { cpu: want.cpu, memory: want.memory };
      expect(container.resources).toEqual({ requests: size, limits: size });
    });

    test('the container sees the environment variables of the table', () => {
      const vars = containerEnv(objects, container);
      expect(vars.LOG_LEVEL).toBe(want.log);
      const specific: Record<string, [string, string]> = {
        catalogue: ['FLASK_DEBUG', want.flask],
        frontend: ['NODE_ENV', want.node],
        recommendation: ['GIN_MODE', want.gin],
      };
      if (specific[service]) expect(vars[specific[service][0]]).toBe(specific[service][1]);
      for (const [other, [name]] of Object.entries(specific)) if (other !== service) expect(vars[name]).toBeUndefined();
    });

    test('the image is pinned to the overlay tag', () => {
      expect(container.image).toBe(`bazaar/${service}:${TAGS[service]}`);
    });

    test('the pod is locked down (restricted Pod Security)', () => {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
      expect(container.livenessProbe.httpGet.port).toBe('http');
      expect(container.readinessProbe.httpGet.port).toBe('http');
      expect(find(objects, 'ServiceAccount', service).automountServiceAccountToken).toBe(false);
    });

    test('PodDisruptionBudget only where the table asks, never blocking a drain', () => {
      const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget') as any;
      if (want.pdb)
        expect(pdb.spec).toEqual({
          maxUnavailable: 1,
          selector: { matchLabels: deployment.spec.selector.matchLabels },
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        });
      else expect(pdb).toBeUndefined();
    });
  });

  test('the environment kustomization aggregates every service', () => {
    const objects = kustomizeSync(path.join(root, 'overlays', env));
    const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    expect(deployments.sort()).toEqual(SERVICES);
    const namespaced = objects.filter((o) => o.kind !== 'Namespace');
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set([want.namespace]));
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([want.namespace]);
  });
});

test('frontend reaches the other services through URLs derived from the model', () => {
  const objects = kustomizeSync(path.join(root, 'overlays', 'dev', 'frontend'));
  const vars = containerEnv(objects, find(objects, 'Deployment', 'frontend').spec.template.spec.containers[0]);
  expect(vars).toMatchObject({
    PRODUCTS_API_BASE_URI: 'http://catalogue:5000',
    VOTING_BASE_URI: 'http://voting:8080',
    RECOMMENDATION_BASE_URI: 'http://recommendation:8080',
  });
});
