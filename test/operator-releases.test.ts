import * as fs from 'fs';
import * as path from 'path';
import { parseManifests } from '../lib/kube/object';
import { findYamlFiles } from '../lib/kube/overlays';
import { App } from 'cdk8s';
import { Datastore, DatastoreEngine, DatastoreTopology, EnvironmentTable, Platform, Scaling } from '../lib';
import { KafkaEngine } from '../lib/constructs/datastores/kafka';
import { OPERATOR_RELEASES_DOC, renderOperatorReleasesDoc } from '../lib/gate/operator-releases-doc';
import { crdIndex } from '../lib/gate/schema';
import { OPERATOR_TARGETS, STRIMZI_KAFKA_VERSIONS, targetApiVersion } from '../lib/model/operator-releases';

const repoRoot = path.resolve(__dirname, '..');

describe('the operator releases the output targets', () => {
  const index = crdIndex();

  test(`${OPERATOR_RELEASES_DOC} is rendered from OPERATOR_TARGETS and the committed CRD data`, () => {
    expect(fs.readFileSync(path.join(repoRoot, OPERATOR_RELEASES_DOC), 'utf8') === renderOperatorReleasesDoc()).toBe(
      true,
    );
  });

  test('every targeted kind is served, and not deprecated, by its operator at the recorded release', () => {
    const problems = OPERATOR_TARGETS.flatMap((t) =>
      t.kinds.flatMap((k) => {
        const [group, version] = k.apiVersion.split('/');
        const crd = index.crds.get(`${group}/${k.kind}`);
        const v = crd?.versions.find((x) => x.name === version);
        if (!crd) return [`${k.apiVersion} ${k.kind}: no CRD`];
        if (!index.sources.some((s) => s.file === crd.file && s.repository === t.repository))
          return [`${k.apiVersion} ${k.kind}: its CRD (${crd.file}) is not from ${t.repository}`];
        return v?.served && !v.deprecated ? [] : [`${k.apiVersion} ${k.kind}: not served or deprecated`];
      }),
    );
    expect(problems).toEqual([]);
  });

  test('every custom resource in the committed output of main and the examples is a targeted kind at its version', () => {
    const roots = [
      repoRoot,
      ...fs.readdirSync(path.join(repoRoot, 'examples')).map((e) => path.join(repoRoot, 'examples', e)),
    ];
    const emitted = new Set<string>();
    for (const root of roots) {
      for (const dir of ['dist', 'overlays', 'argocd'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d))) {
        for (const file of findYamlFiles(dir)) {
          for (const o of parseManifests(fs.readFileSync(file, 'utf8'), file)) {
            if (typeof o.apiVersion !== 'string') continue; // a Kustomize transformer configuration, not an object
            const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
            if (index.crds.has(`${group}/${o.kind}`)) emitted.add(`${o.apiVersion} ${o.kind}`);
          }
        }
      }
    }
    const targeted = new Set(OPERATOR_TARGETS.flatMap((t) => t.kinds.map((k) => `${k.apiVersion} ${k.kind}`)));
    expect([...emitted].filter((e) => !targeted.has(e))).toEqual([]);
    expect(emitted.has('external-secrets.io/v1 ExternalSecret')).toBe(true);
    expect(emitted.has('kafka.strimzi.io/v1 Kafka')).toBe(true);
  });

  test('the default Kafka version is one the targeted Strimzi release runs', () => {
    expect(STRIMZI_KAFKA_VERSIONS).toContain(new KafkaEngine().defaultVersion);
    expect(targetApiVersion('kafka.strimzi.io', 'Kafka')).toBe('kafka.strimzi.io/v1');
  });

  test('fails when a kind is not in the table', () => {
    expect(() => targetApiVersion('example.com', 'Widget')).toThrow(
      'internal error: example.com Widget is not in OPERATOR_TARGETS (lib/model/operator-releases.ts)',
    );
  });

  test('fails when an HA Kafka asks for a version the targeted Strimzi release does not run', () => {
    const app = new App();
    const platform = new Platform(app, 'shop', {
      environments: new EnvironmentTable([
        {
          name: 'prod',
          namespace: 'shop-prod',
          scaling: Scaling.fixed(2),
          resources: { cpu: '100m', memory: '128Mi' },
          datastores: { topology: DatastoreTopology.HA },
        },
      ]),
    });
    const kafka = new Datastore(platform, 'events', { engine: DatastoreEngine.KAFKA, version: '3.8.0' });
    expect(() => kafka.topologyIn(platform.environments.get('prod'))).toThrow(
      '[shop/events] kafka version 3.8.0 is not supported by the targeted Strimzi release (environment prod, HA); allowed: 4.2.0, 4.3.0',
    );
  });
});
