import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { git } from '../core/git';
import { kubectlIdentity } from '../kube/render-cache';
import { K8sObject } from '../kube/object';

/** Bump when what a stored base render means changes. */
const FORMAT = 'base-render-v1';

/** One environment of a base tree, rendered: its objects by identity and the hash of its inputs. */
export interface StoredEnvironment {
  /** `overlayInputHashes` of the environment's directory, or undefined (it reads something remote). */
  readonly inputHash?: string;
  /** Rendered objects, `[identity, object]` in identity order. */
  readonly objects: [string, K8sObject][];
}

/** What is kept of a base tree's render: per environment, and the `argocd/` objects. */
export interface StoredBase {
  /** Every environment directory the base tree has. */
  readonly envs: string[];
  /** The environments rendered so far. */
  readonly rendered: Record<string, StoredEnvironment>;
  /** The `argocd/` objects once read (null: the base has no `argocd/`). */
  readonly argocd?: [string, K8sObject][] | null;
}

/**
 * Renders of base trees, one file per key: the git tree of the base commit, the directory of
 * the platform inside it, its overlays directory and the kubectl binary. A commit's tree never
 * changes, so a base is rendered once, however often a branch is diffed against it; a new
 * Kustomize makes new keys.
 */
export class BaseRenderCache {
  /** @param dir - the directory the renders are kept in */
  public constructor(private readonly dir: string) {}

  /**
   * The key of the tree at `ref` for the platform at `rootDir`, or undefined when git cannot
   * name the tree (then nothing is cached).
   */
  public keyOf(rootDir: string, ref: string, overlaysDir: string): string | undefined {
    let tree: string;
    try {
      tree = git(rootDir, ['rev-parse', `${ref}^{tree}`]);
    } catch {
      return undefined;
    }
    const prefix = git(rootDir, ['rev-parse', '--show-prefix']);
    return createHash('sha256')
      .update([FORMAT, tree, prefix, overlaysDir, kubectlIdentity()].join('\0'))
      .digest('hex')
      .slice(0, 32);
  }

  /** The stored render of `key`, or undefined when there is none (or it cannot be read). */
  public read(key: string): StoredBase | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as StoredBase;
    } catch {
      return undefined;
    }
  }

  /** Stores `base` under `key`, atomically (a temp file renamed into place). */
  public write(key: string, base: StoredBase): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file(key)}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(base));
    fs.renameSync(tmp, this.file(key));
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
