import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment } from '../model/environment';
import { JobGrant } from './job-grant';
import { JobTemplate } from './job-template';
import { checkDnsLabel } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';

/** Props of a `NamespaceBundle`. */
export interface NamespaceBundleProps {
  /** The namespace every object of the bundle lives in, the same in every environment (e.g. `training`). */
  readonly namespace: string;
  /** Tag per image repository of the bundle, for overlays that hold none yet (e.g. `{ 'vision/trainer': '1.0.0' }`). */
  readonly initialTags: Record<string, string>;
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
    checkProps(this.node.path, props, NAMESPACE_BUNDLE_SHAPE);
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
    for (const template of this.templates) {
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

  /** The bundle's Job templates, in definition order. */
  public get templates(): JobTemplate[] {
    return this.chart.node.findAll().filter((c): c is JobTemplate => c instanceof JobTemplate);
  }

  /** Tag per image repository, for overlays that hold none yet. */
  public get initialTagsByImage(): Readonly<Record<string, string>> {
    return this.initialTags;
  }
}

/** The keys of `NamespaceBundleProps`, checked at run time. */
export const NAMESPACE_BUNDLE_SHAPE = shape<NamespaceBundleProps>('NamespaceBundleProps', {
  namespace: 'string',
  initialTags: 'stringMap',
});
