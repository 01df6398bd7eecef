import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { render } from '../lib/synth/render';
import { bazaar } from './fixtures/platforms/bazaar';
import { observed } from './fixtures/platforms/observed';
import { scraped } from './fixtures/platforms/scraped';

// The custom resources this issue renders, checked against the upstream CRDs in ../shared/crds
// (the gate's own check of every CRD lives apart; this proves the objects use only what the
// operators define). CI may run without ../shared; STAGECRAFT_SHARED names it where the clone
// is not beside it (a git worktree).
const repoRoot = path.resolve(__dirname, '..');
const crdsDir = path.join(process.env.STAGECRAFT_SHARED ?? path.resolve(repoRoot, '..', 'shared'), 'crds');
const CRDS: Record<string, string> = {
  ServiceMonitor: 'prometheus-operator__servicemonitors.yaml',
  PodMonitor: 'prometheus-operator__podmonitors.yaml',
  PrometheusRule: 'prometheus-operator__prometheusrules.yaml',
  Instrumentation: 'opentelemetry-operator__instrumentations.yaml',
  // The datastore resources whose exporters full metrics turn on.
  MongoDBCommunity: 'mongodb-kubernetes@1.10.0__mongodbcommunity.mongodb.com_mongodbcommunity.yaml',
  RedisFailover: 'spotahome__databases.spotahome.com_redisfailovers.yaml',
  RedisCluster: 'OT-CONTAINER-KIT__redis.redis.opstreelabs.in_redisclusters.yaml',
  Kafka: 'strimzi__040-Crd-kafka.yaml',
  KafkaNodePool: 'strimzi__045-Crd-kafkanodepool.yaml',
};
const present = fs.existsSync(crdsDir);
const suite = present ? describe : describe.skip;
type Schema = Record<string, any>;

function schemaOf(kind: string, apiVersion: string): Schema {
  const crd = yaml.load(fs.readFileSync(path.join(crdsDir, CRDS[kind]), 'utf8')) as Schema;
  const version = apiVersion.split('/')[1];
  const served = crd.spec.versions.find((v: Schema) => v.name === version);
  if (!served?.served) throw new Error(`${CRDS[kind]} does not serve ${apiVersion}`);
  return served.schema.openAPIV3Schema;
}

/** Paths of fields the structural schema does not define (the API server would prune them). */
function unknownFields(value: unknown, schema: Schema, at: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, schema.items ?? {}, `${at}[${i}]`));
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const child =
      schema.properties?.[k] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (!child) return schema.additionalProperties === true ? [] : [`${at}.${k}`];
    return unknownFields(v, child, `${at}.${k}`);
  });
}

/** Strips the Kubernetes vendor keywords and the Go-only regular expressions (`(?i)`) Ajv cannot read. */
function forAjv(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forAjv);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Record<string, unknown>)
      .filter(([k, v]) => !k.startsWith('x-kubernetes-') && !(k === 'pattern' && String(v).includes('(?')))
      .map(([k, v]) => [
        k,
        k === 'properties'
          ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, forAjv(s)]))
          : forAjv(v),
      ]),
  );
}

function renderedCustomResources(): Schema[] {
  return [render(observed(new App())), render(bazaar(new App())), render(scraped(new App()))].flatMap((files) =>
    files
      .entries()
      .filter(([p]) => p.startsWith('overlays/'))
      .flatMap(([, content]) => yaml.loadAll(content) as Schema[])
      .filter((o) => o && CRDS[o.kind] !== undefined),
  );
}

suite(present ? 'upstream CRDs' : 'upstream CRDs (skipped: ../shared/crds is absent)', () => {
  test('every monitor, rule, Instrumentation and scraped datastore resource is valid against its CRD and uses only fields it defines', () => {
    const objects = renderedCustomResources();
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(Object.keys(CRDS)));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
    for (const o of objects) {
      const schema = schemaOf(o.kind, o.apiVersion);
      if (!compiled.has(o.kind)) compiled.set(o.kind, ajv.compile(forAjv(schema) as object));
      const validateFn = compiled.get(o.kind)!;
      const id = `${o.kind}/${o.metadata.name}`;
      expect([id, validateFn(o) ? [] : validateFn.errors]).toEqual([id, []]);
      expect([id, unknownFields(o.spec, schema.properties.spec, 'spec')]).toEqual([id, []]);
    }
  });
});
