import { App } from 'cdk8s';
import { synth } from './lib';
import { craftista } from './main';
import { tempDir } from './test/support';

/** Synthesizes the Craftista platform into a fresh temp dir and returns every file by path. */
function synthFiles(): Record<string, string> {
  const root = tempDir('craftista-');
  const files = synth(craftista(new App()), { rootDir: root, outdir: 'dist' });
  return Object.fromEntries(files.entries());
}

describe('craftista platform', () => {
  const files = synthFiles();

  test('snapshot of every generated file (for review in PRs)', () => {
    expect(files).toMatchSnapshot();
  });

  test('writes a base per service and an overlay per environment and service', () => {
    const services = ['catalogue', 'frontend', 'recommendation', 'voting'];
    for (const service of services) {
      for (const file of [
        'kustomization.yaml',
        'deployment.yaml',
        'service.yaml',
        'configmap.yaml',
        'serviceaccount.yaml',
      ]) {
        expect(files).toHaveProperty([`dist/${service}/${file}`]);
      }
      expect(files).toHaveProperty([`dist/${service}/components/pdb/pdb.yaml`]);
      for (const env of ['dev', 'staging', 'prod']) {
        expect(files).toHaveProperty([`overlays/${env}/${service}/kustomization.yaml`]);
      }
    }
    expect(Object.keys(files).filter((f) => f.endsWith('hpa.yaml'))).toEqual(
      services.map((s) => `overlays/prod/${s}/hpa.yaml`),
    );
  });

  test('bases hold no environment-specific values', () => {
    const base = Object.entries(files).filter(([f]) => /^dist\/(catalogue|frontend|recommendation|voting)\//.test(f));
    for (const [file, content] of base) {
      expect({ file, content }).toEqual({ file, content: expect.not.stringMatching(/craftista-(dev|staging|prod)/) });
      expect({ file, content }).toEqual({
        file,
        content: expect.not.stringMatching(/LOG_LEVEL|replicas:|requests:|limits:/),
      });
    }
  });

  test('overlays pin each image to a semantic version, never latest', () => {
    const kustomization = files['overlays/prod/voting/kustomization.yaml'];
    expect(kustomization).toContain('  - name: craftista/voting\n    newTag: 2.1.0\n');
    expect(Object.values(files).join('\n')).not.toMatch(/newTag: latest/);
  });
});
