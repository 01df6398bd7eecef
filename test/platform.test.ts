import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  Datastore,
  DatastoreEngine,
  DatastoreTopology,
  EnvironmentTable,
  Microservice,
  Platform,
  Scaling,
} from '../lib';
import { readImagePin } from '../lib/kube/image-pin';
import { render } from '../lib/synth/render';
import { readTree, synthBazaar, tempDir } from './support';

describe('synth', () => {
  test('is deterministic: two synths into fresh dirs are byte-identical', () => {
    const a = tempDir();
    const b = tempDir();
    synthBazaar(a);
    synthBazaar(b);
    expect(readTree(a)).toEqual(readTree(b));
  });

  test('running synth again changes nothing', () => {
    const root = tempDir();
    synthBazaar(root);
    const before = readTree(root);
    synthBazaar(root);
    expect(readTree(root)).toEqual(before);
  });

  test('keeps the tags the overlays already pin, including digests and number-like tags', () => {
    const root = tempDir();
    synthBazaar(root);
    const file = path.join(root, 'overlays/staging/catalogue/kustomization.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('newTag: 1.4.2', 'newTag: "1.10"\n    digest: sha256:' + 'a'.repeat(64)),
    );
    synthBazaar(root);
    expect(readImagePin(file, 'bazaar/catalogue')).toEqual({ newTag: '1.10', digest: 'sha256:' + 'a'.repeat(64) });
    expect(fs.readFileSync(file, 'utf8')).toContain('    newTag: "1.10"\n    digest: sha256:');
  });

  test('removes overlays of services and environments that left the model', () => {
    const root = tempDir();
    synthBazaar(root);
    fs.mkdirSync(path.join(root, 'overlays/qa/catalogue'), { recursive: true });
    fs.writeFileSync(path.join(root, 'overlays/qa/catalogue/kustomization.yaml'), 'kind: Kustomization\n');
    fs.writeFileSync(path.join(root, 'dist/old.yaml'), 'x: 1\n');
    synthBazaar(root);
    expect(fs.existsSync(path.join(root, 'overlays/qa'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'dist/old.yaml'))).toBe(false);
  });

  test('fails when an existing overlay is not a kustomization, naming the file and touching nothing', () => {
    const root = tempDir();
    synthBazaar(root);
    const file = path.join(root, 'overlays/prod/voting/kustomization.yaml');
    fs.writeFileSync(file, 'images: [\n');
    fs.rmSync(path.join(root, 'dist/catalogue/service.yaml'));
    const before = readTree(root);
    expect(() => synthBazaar(root)).toThrow(`${file}: not valid YAML: `);
    expect(readTree(root)).toEqual(before);
    fs.writeFileSync(file, 'kind: Deployment\n');
    expect(() => synthBazaar(root)).toThrow(`${file}: not a kustomization (expected kind: Kustomization)`);
  });

  test('renders a platform whose every environment is local, the compose file from the first one', () => {
    // GIVEN a platform with only local clusters (nothing for Argo CD to deploy)
    const platform = new Platform(new App(), 'solo', {
      environments: new EnvironmentTable([
        { name: 'kind', namespace: 'solo', local: true, scaling: Scaling.fixed(1), resources: RESOURCES },
        { name: 'kind-2', namespace: 'solo', local: true, scaling: Scaling.fixed(1), resources: RESOURCES },
      ]),
    });
    new Microservice(platform, 'api', { image: 'solo/api', port: 8080, initialTag: '1.0.0' });
    // WHEN it is rendered
    const files = new Map(render(platform).entries());
    // THEN the overlays and the compose file (with the first environment's values) are there
    expect(files.has('overlays/kind-2/api/kustomization.yaml')).toBe(true);
    expect(files.get('local/docker-compose.yaml')).toContain('with the kind values of the environment table');
  });
});

const RESOURCES = { cpu: '100m', memory: '128Mi' };

describe('cluster components', () => {
  test('operator namespaces default to each engine own, and the platform overrides them by engine name', () => {
    // GIVEN a platform that runs CloudNativePG in its own namespace, with orders as HA PostgreSQL
    const environments = new EnvironmentTable([
      {
        name: 'prod',
        namespace: 'shop-prod',
        scaling: Scaling.fixed(1),
        resources: RESOURCES,
        datastores: { topology: DatastoreTopology.HA },
      },
    ]);
    const platform = new Platform(new App(), 'shop', {
      environments,
      cluster: { operatorNamespaces: { postgresql: 'databases' } },
    });
    const orders = new Datastore(platform, 'orders', { engine: DatastoreEngine.POSTGRESQL });
    new Microservice(platform, 'api', {
      image: 'shop/api',
      port: 8080,
      initialTag: '1.0.0',
      connections: { DATABASE_URL: orders },
    });
    // THEN every other engine keeps its operator's namespace
    expect(platform.cluster.operatorNamespaces).toEqual({
      mongodb: 'mongodb',
      postgresql: 'databases',
      redis: 'redis-operator',
      kafka: 'strimzi',
      minio: 'minio-operator',
    });
    // AND the operator's network policy admits the overridden namespace
    const file = new Map(render(platform).entries()).get('overlays/prod/shared/network-policies.yaml');
    const operator = parseAllDocuments(file ?? '')
      .map((d) => d.toJSON())
      .find((p) => p.metadata.name === 'allow-orders-operator');
    expect(operator.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'databases' } } }] },
    ]);
  });
});
