import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { hasErrors, validate } from '../lib/gate/gate';
import { checkCrossReferences } from '../lib/gate/cross-references';
import { DEFAULT_SEVERITIES, RawFinding } from '../lib/gate/findings';
import { checkDuplicates, checkNames } from '../lib/gate/names';
import { checkEnvironmentPolicy, checkPolicy } from '../lib/gate/policy';
import { checkSchema, checkUnknownFields, crdIndex } from '../lib/gate/schema';
import { deriveCrdSchemas } from '../lib/gate/crd-derivation';
import { kustomizeSync } from '../lib/kube/kubectl';
import { bazaar } from './fixtures/platforms/bazaar';
import { synthBazaar, tempDir, writeFixtureEntry } from './support';
import { K8sObject } from '../lib/kube/object';

const root = tempDir();
synthBazaar(root);
// The prod catalogue, plus the MongoDBCommunity that produces the connection Secret it reads.
const rendered = [
  ...kustomizeSync(path.join(root, 'overlays/prod/catalogue')),
  ...kustomizeSync(path.join(root, 'overlays/prod/mongodb')).filter((o) => o.kind === 'MongoDBCommunity'),
];

/** A fresh copy of the rendered prod catalogue objects: the "good" fixture. */
function good(): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(rendered)) as K8sObject[];
  return Object.fromEntries(copy.map((o) => [o.kind, o]));
}
const all = (o: Record<string, any>) => Object.values(o) as K8sObject[];
const strip = (findings: RawFinding[]) => findings.map((f) => [f.check, f.message]);
const policy = (o: K8sObject) => strip(checkPolicy(o, { kubernetesVersion: '1.33' }));
const cross = (objects: K8sObject[]) => strip(checkCrossReferences(objects));
const container = (o: Record<string, any>) => o.Deployment.spec.template.spec.containers[0];

describe('the good fixture passes every check', () => {
  test('no finding on the rendered prod catalogue', () => {
    const o = good();
    const crds = crdIndex();
    for (const object of all(o)) {
      expect(strip(checkSchema(object, crds))).toEqual([]);
      expect(strip(checkUnknownFields(object))).toEqual([]);
      expect(strip(checkNames(object))).toEqual([]);
      expect(policy(object)).toEqual([]);
    }
    expect(cross(all(o))).toEqual([]);
    expect(strip(checkDuplicates(all(o)))).toEqual([]);
    expect(
      strip(checkEnvironmentPolicy(all(o), { requireDisruptionBudget: true, requireNetworkPolicy: false })),
    ).toEqual([]);
  });
});

describe('schema and unknown fields', () => {
  test('fails when a field has the wrong type or format', () => {
    const o = good();
    o.Deployment.spec.revisionHistoryLimit = 'five';
    container(o).resources.requests.cpu = '1x0';
    expect(strip(checkSchema(o.Deployment, crdIndex({ sources: [], crds: [], defs: {} })))).toEqual([
      ['schema', 'spec.revisionHistoryLimit must be integer'],
      ['schema', 'spec.template.spec.containers[0].resources.requests.cpu must match format "quantity"'],
    ]);
  });

  test('fails when a required field is missing', () => {
    const o = good();
    delete o.Deployment.spec.selector;
    expect(strip(checkSchema(o.Deployment, crdIndex({ sources: [], crds: [], defs: {} })))).toEqual([
      ['schema', 'spec is missing required field selector'],
    ]);
  });

  test('fails when a kind has no schema', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(strip(checkSchema(widget, crdIndex({ sources: [], crds: [], defs: {} })))).toEqual([
      [
        'no-schema',
        "no schema for example.com/v1 Widget: derive its operator's CRD into imports/upstream (npm run derive-upstream)",
      ],
    ]);
  });

  test('custom resources are checked against the CRD of the version they name, unknown fields included', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets }
  versions:
    - name: v1beta1
      served: false
      storage: false
      deprecated: true
      schema: { openAPIV3Schema: { type: object } }
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            apiVersion: { type: string }
            kind: { type: string }
            metadata: { type: object }
            spec:
              type: object
              description: dropped by the derivation
              required: [size]
              x-kubernetes-validations:
                - rule: "!has(self.mode) || self.mode != 'safe' || self.size <= 3"
                  message: safe widgets have at most 3 parts
              properties:
                size: { type: integer, minimum: 1, maximum: 5 }
                mode: { type: string, enum: [fast, safe] }
                port: { x-kubernetes-int-or-string: true, anyOf: [{ type: integer }, { type: string }] }
                tags: { type: array, items: { type: string, pattern: '^[a-z]+$' }, x-kubernetes-list-type: set }
                extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
                labels: { type: object, additionalProperties: { type: string } }
                on: { type: boolean }
`;
    const sources =
      '| file | repository | release | commit |\n|---|---|---|---|\n| widget.yaml | example/widgets | v1.0.0 | abc |\n';
    const crds = crdIndex(deriveCrdSchemas([{ name: 'widget.yaml', text: crd }], sources));
    const widget = (spec: unknown, apiVersion = 'example.com/v1') => ({
      apiVersion,
      kind: 'Widget',
      metadata: { name: 'w' },
      spec,
    });
    expect(
      strip(
        checkSchema(
          widget({ size: 2, mode: 'fast', port: 'http', tags: ['a'], extra: { x: 1 }, labels: { a: 'b' }, on: true }),
          crds,
        ),
      ),
    ).toEqual([]);
    expect(
      strip(
        checkSchema(
          widget({ size: 9, mode: 'slow', port: 1.5, tags: ['A', 'A'], labels: { a: 1 }, on: 'yes', color: 'red' }),
          crds,
        ),
      ),
    ).toEqual([
      ['schema', 'spec.size must be <= 5, got 9'],
      ['schema', 'spec.mode must be one of "fast", "safe", got "slow"'],
      ['schema', 'spec.port must be an integer or a string, got 1.5'],
      ['schema', 'spec.tags has a duplicate item: "A"'],
      ['schema', 'spec.tags[0] must match ^[a-z]+$, got "A"'],
      ['schema', 'spec.tags[1] must match ^[a-z]+$, got "A"'],
      ['schema', 'spec.labels.a must be a string, got 1'],
      ['schema', 'spec.on must be a boolean, got "yes"'],
      ['unknown-field', 'spec.color is not a field of this schema'],
    ]);
    expect(strip(checkSchema(widget({ size: 4, mode: 'safe' }), crds))).toEqual([
      [
        'schema',
        'spec fails rule "!has(self.mode) || self.mode != \'safe\' || self.size <= 3": safe widgets have at most 3 parts',
      ],
    ]);
    expect(strip(checkSchema(widget(undefined), crds))).toEqual([['schema', '(root) is missing required field spec']]);
    expect(strip(checkSchema(widget({ size: 1 }, 'example.com/v1beta1'), crds))).toEqual([
      [
        'schema',
        "example.com/v1beta1 Widget is no longer served by the operator's CRD (widget.yaml); served: example.com/v1",
      ],
    ]);
    expect(strip(checkSchema(widget({ size: 1 }, 'example.com/v2'), crds))).toEqual([
      ['schema', "example.com/v2 Widget is not a version of the operator's CRD (widget.yaml); served: example.com/v1"],
    ]);
  });

  test('fails when a built-in object has a field its schema does not define', () => {
    const o = good();
    container(o).securityContext.readOnlyRootFileSystem = true;
    o.Service.spec.bogus = 1;
    expect(strip(checkUnknownFields(o.Deployment))).toEqual([
      [
        'unknown-field',
        'spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem is not a field of apps/v1 Deployment',
      ],
    ]);
    expect(strip(checkUnknownFields(o.Service))).toEqual([
      ['unknown-field', 'spec.bogus is not a field of v1 Service'],
    ]);
  });
});

describe('names', () => {
  test('fails when a name is not DNS-1123', () => {
    const o = good();
    o.Service.metadata.name = 'cata.logue';
    o.Deployment.metadata.name = 'Catalogue';
    expect(strip(checkNames(o.Service))).toEqual([
      [
        'dns-name',
        `metadata.name "cata.logue" must be a DNS-1123 label (lowercase alphanumerics, '-', at most 63 characters)`,
      ],
    ]);
    expect(strip(checkNames(o.Deployment))).toEqual([
      [
        'dns-name',
        `metadata.name "Catalogue" must be a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', at most 253 characters)`,
      ],
    ]);
  });

  test('fails when a label key or value is invalid', () => {
    const o = good();
    o.ConfigMap.metadata.labels['team/'] = 'x';
    o.ConfigMap.metadata.labels.tier = 'front end';
    expect(strip(checkNames(o.ConfigMap))).toEqual([
      [
        'label-syntax',
        `metadata.labels["team/"]: key name "" must be at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
      ],
      [
        'label-syntax',
        `metadata.labels["tier"]: value "front end" must be empty or at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
      ],
    ]);
  });

  test('fails when kind/namespace/name repeats', () => {
    const o = good();
    expect(strip(checkDuplicates([...all(o), o.Service]))).toEqual([
      ['duplicate-object', 'Service bazaar-prod/catalogue is defined more than once'],
    ]);
  });
});

describe('cross-references', () => {
  test('fails when a Service selects no pods or targets a missing port', () => {
    const o = good();
    o.Service.spec.ports[0].targetPort = 'metrics';
    expect(cross(all(o))).toEqual([
      ['service-target-port', 'port http targets "metrics", which no selected container exposes'],
    ]);
    o.Service.spec.selector = { app: 'nope' };
    expect(cross(all(o))).toEqual([['service-no-pods', 'selector {"app":"nope"} matches no pod template']]);
  });

  test('fails when HPA or PDB targets do not exist', () => {
    const o = good();
    o.HorizontalPodAutoscaler.spec.scaleTargetRef.name = 'catalog';
    o.PodDisruptionBudget.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'catalog' };
    expect(cross(all(o))).toEqual([
      ['hpa-target', 'scaleTargetRef Deployment/catalog does not exist in namespace bazaar-prod'],
      ['pdb-target', 'selector {"matchLabels":{"app.kubernetes.io/name":"catalog"}} matches no pod template'],
    ]);
  });

  test('fails when ConfigMap, Secret or ServiceAccount references do not resolve', () => {
    const o = good();
    const pod = o.Deployment.spec.template.spec;
    pod.serviceAccountName = 'robot';
    container(o).envFrom.push(
      { configMapRef: { name: 'shared' } },
      { configMapRef: { name: 'maybe', optional: true } },
    );
    container(o).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
    expect(cross(all(o))).toEqual([
      [
        'config-ref',
        'container catalogue envFrom references ConfigMap shared, which does not exist in namespace bazaar-prod',
      ],
      [
        'secret-ref',
        'container catalogue env DB_PASSWORD references Secret db, which does not exist in namespace bazaar-prod',
      ],
      [
        'service-account-ref',
        'serviceAccountName references ServiceAccount robot, which does not exist in namespace bazaar-prod',
      ],
    ]);
    const externalSecret = {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'db-credentials', namespace: 'bazaar-prod' },
      spec: { target: { name: 'db' } },
    };
    expect(cross([...all(o), externalSecret]).map(([check]) => check)).toEqual(['config-ref', 'service-account-ref']);
    expect(strip(checkCrossReferences(all(o), { externalSecrets: ['db'] })).map(([check]) => check)).toEqual([
      'config-ref',
      'service-account-ref',
    ]);
  });

  test('fails when an Ingress backend names a missing Service or port', () => {
    const o = good();
    const ingress = (name: string, port: Record<string, unknown>) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'bazaar-prod' },
      spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port } } }] } }] },
    });
    expect(cross([...all(o), ingress('catalogue', { number: 5000 })])).toEqual([]);
    expect(cross([...all(o), ingress('catalogue', { name: 'http' })])).toEqual([]);
    expect(cross([...all(o), ingress('catalog', { number: 5000 })])).toEqual([
      ['ingress-backend', 'backend Service catalog does not exist in namespace bazaar-prod'],
    ]);
    expect(cross([...all(o), ingress('catalogue', { number: 80 })])).toEqual([
      ['ingress-backend', 'backend Service catalogue has no port 80'],
    ]);
  });

  test('fails when a NetworkPolicy selector matches no pods', () => {
    const o = good();
    const netpol = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow', namespace: 'bazaar-prod' },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'catalogue' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } }] }],
      },
    };
    expect(cross([...all(o), netpol])).toEqual([
      [
        'network-policy-selector',
        'spec.ingress[0].from[0].podSelector {"matchLabels":{"app.kubernetes.io/name":"frontend"}} matches no pod template',
      ],
    ]);
  });
});

describe('policy', () => {
  test.each([
    [
      'latest-tag',
      (o: any) => (container(o).image = 'bazaar/catalogue:latest'),
      'container catalogue image "bazaar/catalogue:latest" is pinned to latest: pin a version or digest',
    ],
    [
      'latest-tag',
      (o: any) => (container(o).image = 'bazaar/catalogue'),
      'container catalogue image "bazaar/catalogue" is not pinned to a tag: pin a version or digest',
    ],
    ['privileged', (o: any) => (container(o).securityContext.privileged = true), 'container catalogue is privileged'],
    [
      'privilege-escalation',
      (o: any) => delete container(o).securityContext.allowPrivilegeEscalation,
      'container catalogue securityContext.allowPrivilegeEscalation must be false',
    ],
    [
      'run-as-non-root',
      (o: any) => {
        delete container(o).securityContext.runAsNonRoot;
        delete o.Deployment.spec.template.spec.securityContext.runAsNonRoot;
      },
      'container catalogue must set runAsNonRoot: true',
    ],
    [
      'read-only-root-fs',
      (o: any) => (container(o).securityContext.readOnlyRootFilesystem = false),
      'container catalogue securityContext.readOnlyRootFilesystem must be true',
    ],
    [
      'capabilities',
      (o: any) => (container(o).securityContext.capabilities = { drop: ['ALL'], add: ['NET_ADMIN'] }),
      'container catalogue adds capabilities NET_ADMIN',
    ],
    [
      'capabilities',
      (o: any) => (container(o).securityContext.capabilities = {}),
      'container catalogue must drop ALL capabilities',
    ],
    [
      'host-namespace',
      (o: any) => (o.Deployment.spec.template.spec.hostNetwork = true),
      "hostNetwork is true: pods must not share the node's namespaces",
    ],
    [
      'host-path',
      (o: any) =>
        o.Deployment.spec.template.spec.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }),
      'volume docker mounts hostPath /var/run/docker.sock',
    ],
    ['host-port', (o: any) => (container(o).ports[0].hostPort = 80), 'container catalogue binds hostPort 80'],
    [
      'resources',
      (o: any) => delete container(o).resources.limits,
      'container catalogue has no limits.cpu, limits.memory',
    ],
    ['liveness-probe', (o: any) => delete container(o).livenessProbe, 'container catalogue has no livenessProbe'],
    ['readiness-probe', (o: any) => delete container(o).readinessProbe, 'container catalogue has no readinessProbe'],
    [
      'probe-port',
      (o: any) => (container(o).readinessProbe.httpGet.port = 9090),
      'container catalogue readinessProbe port 9090 is not a container port',
    ],
    [
      'automount-token',
      (o: any) => delete o.Deployment.spec.template.spec.automountServiceAccountToken,
      'automountServiceAccountToken must be false (mount a projected token only where the API is needed)',
    ],
    [
      'plain-secret-env',
      (o: any) => (container(o).env = [{ name: 'API_KEY', value: 'abc' }]),
      'container catalogue env API_KEY has a literal value: use a secretKeyRef',
    ],
  ])('fails when %s is violated', (check, mutate, message) => {
    const o = good();
    mutate(o);
    expect(policy(o.Deployment)).toEqual([[check, message]]);
  });

  test('fails when a ConfigMap holds a secret-looking value', () => {
    const o = good();
    o.ConfigMap.data.DB_PASSWORD = 'hunter2';
    expect(policy(o.ConfigMap)).toEqual([
      [
        'plain-secret-env',
        'data.DB_PASSWORD looks like a secret in a ConfigMap: use a Secret (ExternalSecret) reference',
      ],
    ]);
  });

  test('fails when HPA min > max', () => {
    const o = good();
    o.HorizontalPodAutoscaler.spec.minReplicas = 12;
    expect(policy(o.HorizontalPodAutoscaler)).toEqual([['hpa-min-max', 'minReplicas 12 > maxReplicas 10']]);
  });

  test('fails when an API version is removed in the target Kubernetes version', () => {
    const o = good();
    o.PodDisruptionBudget.apiVersion = 'policy/v1beta1';
    expect(policy(o.PodDisruptionBudget)).toEqual([
      [
        'deprecated-api',
        'policy/v1beta1 PodDisruptionBudget is removed in Kubernetes 1.25 (target 1.33): use policy/v1',
      ],
    ]);
    expect(strip(checkPolicy(o.PodDisruptionBudget, { kubernetesVersion: '1.24' }))).toEqual([
      ['deprecated-api', 'policy/v1beta1 PodDisruptionBudget is deprecated in Kubernetes 1.25: use policy/v1'],
    ]);
  });

  test('fails when a required PDB or NetworkPolicy is missing, or a PDB blocks every drain', () => {
    const o = good();
    const env = (objects: K8sObject[], requireNetworkPolicy: boolean) =>
      strip(checkEnvironmentPolicy(objects, { requireDisruptionBudget: true, requireNetworkPolicy }));
    expect(
      env(
        all(o).filter((x) => x.kind !== 'PodDisruptionBudget'),
        false,
      ),
    ).toEqual([['pdb-required', 'no PodDisruptionBudget selects these pods, and this environment requires one']]);
    expect(env(all(o), true)).toEqual([
      ['network-policy-required', 'no NetworkPolicy selects these pods, and this environment requires one'],
    ]);
    o.PodDisruptionBudget.spec = { minAvailable: 3, selector: o.PodDisruptionBudget.spec.selector };
    expect(env(all(o), false)).toEqual([
      ['pdb-blocks-drain', 'minAvailable 3 with 3 replica(s) of Deployment/catalogue blocks every node drain'],
    ]);
  });
});

describe('the gate', () => {
  test('a synthesized tree validates clean in every environment', async () => {
    const result = await validate({ rootDir: root, platform: bazaar(new App()), cacheDir: false });
    // Only Polaris's advisory warnings (a PriorityClass outside prod, single replicas, ...) may remain.
    expect(result.findings.filter((f) => f.severity === 'error' || !(f.check in DEFAULT_SEVERITIES))).toEqual([]);
    expect(hasErrors(result)).toBe(false);
    expect(result.summary.map((s) => [s.env, s.errors])).toEqual(
      expect.arrayContaining([
        ['dev', 0],
        ['prod', 0],
        ['staging', 0],
      ]),
    );
  });

  test('the pod template of an operator resource: what the operator fills is a waiver, one per container and reason', async () => {
    const result = await validate({ rootDir: root, platform: bazaar(new App()), cacheDir: false, envs: ['prod'] });
    const mongo = (o: { object: string }) => o.object === 'MongoDBCommunity/mongodb';
    // prod pulls Always and its replica set of 3 spreads; the table names no PriorityClass, so that stays open.
    expect(result.findings.filter(mongo).map((f) => [f.overlay, f.check, f.severity, f.message])).toEqual([
      [
        'overlays/prod/mongodb',
        'priority-class',
        'warning',
        'spec.statefulSet.spec.template.spec priorityClassName is not set: the pods get the cluster default priority',
      ],
    ]);
    expect(result.waivers.filter(mongo).map((w) => [w.overlay, w.check, w.reason.split(':')[0]])).toEqual([
      [
        'overlays/prod/mongodb',
        'automount-token',
        "the MongoDB Community operator's readiness probe in container mongodb-agent patches its pod's agent.mongodb.com/version annotation through the API with the pod's ServiceAccount token",
      ],
      [
        'overlays/prod/mongodb',
        'latest-tag',
        "the MongoDB Community operator sets init container mongod-posthook's image from its VERSION_UPGRADE_HOOK_IMAGE setting",
      ],
      [
        'overlays/prod/mongodb',
        'latest-tag',
        "the MongoDB Community operator sets init container mongodb-agent-readinessprobe's image from its READINESS_PROBE_IMAGE setting",
      ],
      [
        'overlays/prod/mongodb',
        'latest-tag',
        "the MongoDB Community operator sets container mongod's image from spec.version (its MDB_COMMUNITY_IMAGE at that version) and changes it with the version",
      ],
      ['overlays/prod/mongodb', 'liveness-probe', 'the MongoDB Community operator sets no liveness probe on mongod'],
      [
        'overlays/prod/mongodb',
        'readiness-probe',
        'the MongoDB Community operator probes container mongodb-agent, not mongod',
      ],
      [
        'overlays/prod/mongodb',
        'latest-tag',
        "the MongoDB Community operator sets container mongodb-agent's image from its AGENT_IMAGE setting",
      ],
      [
        'overlays/prod/mongodb',
        'liveness-probe',
        'the MongoDB Community operator sets no liveness probe on mongodb-agent',
      ],
      [
        'overlays/prod/mongodb',
        'readiness-probe',
        'the MongoDB Community operator gives container mongodb-agent its readiness probe (exec /opt/scripts/readinessprobe)',
      ],
    ]);
  });

  test('waivers need a reason and a known check, are listed, and severities come from the environment table', async () => {
    const dir = tempDir();
    synthBazaar(dir);
    fs.symlinkSync(path.resolve(__dirname, '../.tools'), path.join(dir, '.tools'));
    const deployment = path.join(dir, 'dist/voting/deployment.yaml');
    fs.writeFileSync(
      deployment,
      fs
        .readFileSync(deployment, 'utf8')
        .replace(
          '  name: voting\n',
          '  name: voting\n  annotations:\n    stagecraft.dev/waive.read-only-root-fs: "JVM writes to its install dir"\n    stagecraft.dev/waive.host-port: ""\n    stagecraft.dev/waive.read-only-rootfs: "typo"\n',
        )
        .replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'),
    );
    const devLatest = path.join(dir, 'overlays/dev/catalogue/kustomization.yaml');
    fs.writeFileSync(devLatest, fs.readFileSync(devLatest, 'utf8').replace('newTag: 1.4.2', 'newTag: latest'));
    const platform = bazaar(new App());
    // Polaris's advisory checks are off here, so only what the test provokes is found.
    const advisoryOff = Object.fromEntries(Object.keys(DEFAULT_SEVERITIES).map((c) => [c, 'off']));
    Object.assign(platform.environments.get('dev').validation, {
      severities: { ...advisoryOff, 'latest-tag': 'warning' },
    });
    // Parity would also flag the hand edits; this test is about waivers and severities only.
    const result = await validate({ rootDir: dir, platform, cacheDir: false, envs: ['dev'], parity: false });
    expect(result.findings.map((f) => [f.overlay, f.object, f.check, f.severity])).toEqual([
      ['overlays/dev/catalogue', 'Deployment/catalogue', 'latest-tag', 'warning'],
      ['overlays/dev/voting', 'Deployment/voting', 'waiver-reason', 'error'],
      ['overlays/dev/voting', 'Deployment/voting', 'waiver-reason', 'error'],
    ]);
    expect(result.findings.filter((f) => f.check === 'waiver-reason').map((f) => f.message)).toEqual([
      'annotation stagecraft.dev/waive.host-port waives a check without a reason',
      expect.stringMatching(
        /^annotation stagecraft\.dev\/waive\.read-only-rootfs waives unknown check "read-only-rootfs"; allowed: render, schema, .*read-only-root-fs/,
      ),
    ]);
    expect(result.waivers).toEqual([
      {
        overlay: 'overlays/dev/voting',
        object: 'Deployment/voting',
        check: 'read-only-root-fs',
        reason: 'JVM writes to its install dir',
      },
    ]);
    // The gate fails on the error; a warning alone would pass.
    expect(hasErrors(result)).toBe(true);
    expect(hasErrors({ ...result, findings: result.findings.filter((f) => f.severity === 'warning') })).toBe(false);
  });

  test('caches renders by input hash: a second run renders nothing, a changed base renders its overlay again', async () => {
    const dir = tempDir();
    synthBazaar(dir);
    fs.symlinkSync(path.resolve(__dirname, '../.tools'), path.join(dir, '.tools'));
    const first = await validate({ rootDir: dir, envs: ['staging'] });
    // Eight sub-overlays rendered; the environment only lists them, so it is their concatenation.
    expect([first.rendered, first.cached, first.composed, first.reused]).toEqual([8, 0, 1, []]);
    // Nothing changed: the environment's findings are reused, nothing is even read from the render cache.
    const second = await validate({ rootDir: dir, envs: ['staging'] });
    expect([second.rendered, second.cached, second.composed, second.reused]).toEqual([0, 0, 0, ['staging']]);
    const service = path.join(dir, 'dist/voting/service.yaml');
    fs.writeFileSync(service, fs.readFileSync(service, 'utf8').replace('port: 8080', 'port: 8081'));
    const third = await validate({ rootDir: dir, envs: ['staging'] });
    expect([third.rendered, third.cached, third.composed, third.reused]).toEqual([1, 7, 1, []]);
  });

  test('npm run validate prints one line per finding, a summary, and exits 1 on errors', () => {
    const dir = tempDir();
    synthBazaar(dir);
    fs.symlinkSync(path.resolve(__dirname, '../.tools'), path.join(dir, '.tools'));
    const patch = path.join(dir, 'overlays/prod/frontend/deployment-patch.yaml');
    fs.writeFileSync(
      patch,
      fs.readFileSync(patch, 'utf8').replace(/(limits:\n\s+cpu: 500m\n)\s+memory: 512Mi\n/, '$1'),
    );
    fs.writeFileSync(path.join(dir, 'overlays/staging/voting/kustomization.yaml'), 'resources: [missing]\n');
    writeFixtureEntry(dir, 'bazaar');
    const repo = path.resolve(__dirname, '..');
    const result = spawnSync(
      process.execPath,
      ['--import', require.resolve('tsx'), path.join(repo, 'scripts/validate.ts')],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    // Polaris's advisory warnings (no PriorityClass outside prod, ...) are printed too; the errors are these.
    const lines = result.stdout.split('\n').filter((l) => !l.includes('(warning)'));
    expect(lines.slice(0, 2)).toEqual([
      'overlays/prod/frontend  Deployment/frontend  parity  spec.template.spec.containers[name=frontend].resources.limits.memory: model "512Mi", overlay (absent) is not explained by the environment table (files differing from the model: overlays/prod/frontend/deployment-patch.yaml)',
      'overlays/prod/frontend  Deployment/frontend  resources  container frontend has no limits.memory',
    ]);
    expect(lines[2]).toMatch(/^overlays\/staging  -  render  kubectl kustomize overlays\/staging failed: /);
    expect(lines[3]).toMatch(
      /^overlays\/staging\/voting  -  render  kubectl kustomize overlays\/staging\/voting failed: /,
    );
    expect(result.stdout).toMatch(/\nENV +OVERLAYS +OBJECTS +ERRORS +WARNINGS +WAIVED\ndev +9 +\d+ +0 +\d+ +0\n/);
    expect(result.stdout).toMatch(/\nstaging +9 +\d+ +2 +\d+ +0\n/);
  });
});
