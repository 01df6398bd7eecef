import * as path from 'path';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment } from '../model/environment';
import { FileSet } from '../core/file-set';
import { ImagePin } from '../kube/image-pin';
import { JobGrant } from './job-grant';
import { JobTemplate } from './job-template';
import { checkDnsLabel, StagecraftError } from '../core/checks';
import { toYaml } from '../core/yaml';

/** Props of a `NamespaceBundle`. */
export interface NamespaceBundleProps {
  /** The namespace every object of the bundle lives in, the same in every environment (e.g. `training`). */
  readonly namespace: string;
  /** Tag per image repository of the bundle, for overlays that hold none yet (e.g. `{ 'vision/trainer': '1.0.0' }`). */
  readonly initialTags: Record<string, string>;
}

/** Options of `NamespaceBundle.render()`. */
export interface NamespaceBundleRenderOptions {
  /** Directory of the bases. */
  readonly outdir: string;
  /** Directory of the overlays. */
  readonly overlaysDir: string;
  /** Every environment. */
  readonly environments: readonly Environment[];
  /** The pin an overlay already holds, if any. */
  readonly readPin: (file: string, image: string) => ImagePin | undefined;
}

/**
 * Objects a platform keeps in a namespace of its own, outside the environment's namespace
 * (e.g. `training` for Jobs). Add `JobTemplate`s and `JobGrant`s to `chart`. Its base is
 * `dist/<name>/`; its overlay `overlays/<env>/<name>/` sets no namespace (the environment
 * overlay's namespace transformer would move every object), so it is applied beside
 * `overlays/<env>/`, not through it.
 */
export class NamespaceBundle extends Construct {
  /** Bundle name, its directory under `dist/` and `overlays/<env>/`. */
  public readonly name: string;
  /** The bundle's namespace. */
  public readonly namespace: string;
  /** Objects of the bundle. */
  public readonly chart: Chart;
  private readonly initialTags: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: NamespaceBundleProps) {
    super(scope, id);
    checkDnsLabel(this.node.path, 'bundle name', id);
    checkDnsLabel(this.node.path, 'namespace', props.namespace);
    this.name = id;
    this.namespace = props.namespace;
    this.initialTags = props.initialTags;
    this.chart = new Chart(this, 'objects', { disableResourceNameHashes: true });
  }

  /** Checks that every template lives in the bundle's namespace, has a tag, and every grant's service runs in each environment's namespace. */
  public check(environments: readonly Environment[]): void {
    const children = this.chart.node.findAll();
    for (const template of children.filter((c): c is JobTemplate => c instanceof JobTemplate)) {
      if (template.namespace !== this.namespace) {
        throw new StagecraftError(
          template.node.path,
          `namespace ${JSON.stringify(template.namespace)} differs from its bundle's; allowed: ${this.namespace}`,
        );
      }
      if (this.initialTags[template.image] === undefined) {
        throw new StagecraftError(
          this.node.path,
          `no initial tag for image ${JSON.stringify(template.image)}; allowed: ${Object.keys(this.initialTags).join(', ')}`,
        );
      }
    }
    for (const grant of children.filter((c): c is JobGrant => c instanceof JobGrant)) {
      for (const env of environments) {
        if (env.namespace !== grant.serviceNamespace) {
          throw new StagecraftError(
            grant.node.path,
            `serviceNamespace ${JSON.stringify(grant.serviceNamespace)} differs from environment ${JSON.stringify(env.name)}'s namespace ${JSON.stringify(env.namespace)}`,
          );
        }
      }
    }
  }

  /** Adds the base and one overlay per environment to `files`. */
  public render(files: FileSet, options: NamespaceBundleRenderOptions): void {
    this.check(options.environments);
    const baseDir = path.posix.join(options.outdir, this.name);
    const manifests = this.chart.toJson();
    const names = manifests.map((m) => `${String(m.kind).toLowerCase()}-${m.metadata.name}.yaml`);
    manifests.forEach((m, i) => files.add(path.posix.join(baseDir, names[i]), toYaml(m)));
    files.add(
      path.posix.join(baseDir, 'kustomization.yaml'),
      toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...names].sort() }),
    );
    const images = Object.keys(this.initialTags).sort();
    for (const env of options.environments) {
      const dir = path.posix.join(options.overlaysDir, env.name, this.name);
      const file = path.posix.join(dir, 'kustomization.yaml');
      files.add(
        file,
        toYaml({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources: [path.posix.relative(dir, baseDir)],
          labels: [{ pairs: { environment: env.name }, includeTemplates: true }],
          images: images.map((name) => ({
            name,
            ...(options.readPin(file, name) ?? { newTag: this.initialTags[name] }),
          })),
        }),
      );
    }
  }
}
