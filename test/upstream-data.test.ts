import * as fs from 'fs';
import * as path from 'path';
import { deriveCrdSchemas, parseCrdSources, serializeCrdData, structureOf } from '../lib/gate/crd-derivation';
import { CRD_DATA_FILE, deriveCrdFile, sharedDirOf } from '../lib/gate/upstream-data';
import { crdIndex } from '../lib/gate/schema';

const repoRoot = path.resolve(__dirname, '..');
const shared = sharedDirOf(repoRoot);
const hasShared = fs.existsSync(path.join(shared, 'crds'));
const describeWithShared = hasShared ? describe : describe.skip;

describeWithShared(`the committed upstream data equals a fresh derivation of ${shared}`, () => {
  test(`${CRD_DATA_FILE} is what npm run derive-upstream writes today`, () => {
    expect(fs.readFileSync(path.join(repoRoot, CRD_DATA_FILE), 'utf8') === deriveCrdFile(shared)).toBe(true);
  });
});
if (!hasShared) {
  test.skip(`skipped: ${shared} is absent, so the freshness of ${CRD_DATA_FILE} cannot be checked here`, () => {});
}

describe('the committed CRD data (used by the gate even where ../shared is absent)', () => {
  const index = crdIndex();
  test('holds every operator kind the platforms emit or will emit, at its current served versions', () => {
    const served = (key: string) =>
      index.crds
        .get(key)
        ?.versions.filter((v) => v.served)
        .map((v) => v.name);
    expect(served('external-secrets.io/ExternalSecret')).toEqual(['v1']);
    expect(served('external-secrets.io/ClusterSecretStore')).toEqual(['v1']);
    expect(served('kafka.strimzi.io/Kafka')).toEqual(['v1']);
    expect(served('kafka.strimzi.io/KafkaNodePool')).toEqual(['v1']);
    expect(served('redis.redis.opstreelabs.in/RedisCluster')).toEqual(['v1beta2']);
    for (const key of [
      'argoproj.io/Application',
      'argoproj.io/ApplicationSet',
      'argoproj.io/AppProject',
      'argoproj.io/Rollout',
      'argoproj.io/AnalysisTemplate',
      'monitoring.coreos.com/ServiceMonitor',
      'monitoring.coreos.com/PodMonitor',
      'monitoring.coreos.com/PrometheusRule',
      'opentelemetry.io/Instrumentation',
      'postgresql.cnpg.io/Pooler',
      'mongodbcommunity.mongodb.com/MongoDBCommunity',
      'databases.spotahome.com/RedisFailover',
      'cert-manager.io/Certificate',
    ]) {
      expect([key, served(key)?.length ?? 0]).toEqual([key, 1]);
    }
  });

  test('keeps structure only: no description or example text anywhere', () => {
    const text = fs.readFileSync(path.join(repoRoot, CRD_DATA_FILE), 'utf8');
    // A field may be called `description` (AppProject has one); documentation would be a string value.
    expect(/"(description|example)":"/.test(text)).toBe(false);
    expect(text.split('\n')).toHaveLength(2);
  });
});

describe('deriveCrdSchemas', () => {
  const sources = '| file | repository | release | commit |\n|---|---|---|---|\n| a.yaml | o/a | v1 | c1 |\n';
  const crd = (kind: string, extra = '') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: example.com
  scope: Namespaced
  names: { kind: ${kind} }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              description: words
              default: {}
              properties:
                template: { type: object, properties: { a: { type: string, pattern: '^x' }, b: { type: integer, format: int32 }, c: { type: array, items: { type: string }, x-kubernetes-list-type: set }, d: { type: string, enum: [one, two, three] } } }
                other: { type: object, properties: { a: { type: string, pattern: '^x' }, b: { type: integer, format: int32 }, c: { type: array, items: { type: string }, x-kubernetes-list-type: set }, d: { type: string, enum: [one, two, three] } } }${extra}
`;

  test('is deterministic, drops documentation and shares repeated subschemas', () => {
    const files = [{ name: 'a.yaml', text: crd('Widget') }];
    const once = serializeCrdData(deriveCrdSchemas(files, sources));
    expect(serializeCrdData(deriveCrdSchemas(files, sources))).toBe(once);
    const data = deriveCrdSchemas(files, sources);
    expect(Object.keys(data.defs)).toHaveLength(1);
    const spec = (data.crds[0].versions[0].schema.properties as any).spec;
    expect(spec).toEqual({ type: 'object', properties: { other: { $ref: 'd0' }, template: { $ref: 'd0' } } });
    expect(data.sources).toEqual([{ file: 'a.yaml', repository: 'o/a', release: 'v1', commit: 'c1' }]);
  });

  test('fails when a schema uses a keyword it does not know', () => {
    expect(() => structureOf({ type: 'object', 'x-new-marker': true }, 'a.yaml: Widget v1')).toThrow(
      'a.yaml: Widget v1: unknown schema keyword "x-new-marker"',
    );
  });

  test('fails when a CRD file is not listed in SOURCES.md', () => {
    expect(() => deriveCrdSchemas([{ name: 'b.yaml', text: crd('Widget') }], sources)).toThrow(
      'b.yaml: not listed in SOURCES.md; every CRD file needs its repository, release and commit',
    );
  });

  test('fails when SOURCES.md has no table with the needed columns', () => {
    expect(() => parseCrdSources('| file | repo |\n|---|---|\n')).toThrow(
      'SOURCES.md: the table has no column "repository"; got file, repo',
    );
  });
});
