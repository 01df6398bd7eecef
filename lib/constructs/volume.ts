import { checkDnsLabel } from '../core/checks';
import { StagecraftError } from '../core/errors';
import { checkProps, shape } from '../core/props-shape';

/** Options of `VolumeSource.configMap()` and `VolumeSource.secret()`. */
export interface KeyedVolumeOptions {
  /**
   * Only these keys, each at the given relative path (`{ 'nginx.conf': 'nginx.conf' }`).
   * @default - every key, each at its own name
   */
  readonly items?: Readonly<Record<string, string>>;
  /**
   * File mode of the projected files, as a number (`0o440`).
   * @default - Kubernetes' 0644
   */
  readonly defaultMode?: number;
}

/** Options of `VolumeSource.emptyDir()`. */
export interface EmptyDirOptions {
  /**
   * Largest size the directory may grow to (a quantity such as `64Mi`).
   * @default - no limit beyond the container's
   */
  readonly sizeLimit?: string;
  /**
   * `Memory` for a tmpfs.
   * @default - the node's disk
   */
  readonly medium?: 'Memory';
}

/**
 * Where a mounted volume's files come from: a ConfigMap, a Secret (both read-only, no value in
 * the model) or a scratch directory. Built with the static factories.
 */
export class VolumeSource {
  /** The keys of ConfigMap `name` (in the service's namespace) as files. */
  public static configMap(name: string, options: KeyedVolumeOptions = {}): VolumeSource {
    checkProps(`VolumeSource.configMap(${name})`, options, KEYED_SHAPE);
    return new VolumeSource('configmap', name, { configMap: { name, ...keyed(options) } });
  }

  /** The keys of Secret `name` as files; the Secret comes from the environment's secret source. */
  public static secret(name: string, options: KeyedVolumeOptions = {}): VolumeSource {
    checkProps(`VolumeSource.secret(${name})`, options, KEYED_SHAPE);
    return new VolumeSource('secret', name, { secret: { secretName: name, ...keyed(options) } });
  }

  /** A scratch directory that lives as long as the pod. */
  public static emptyDir(options: EmptyDirOptions = {}): VolumeSource {
    checkProps('VolumeSource.emptyDir', options, EMPTY_DIR_SHAPE);
    return new VolumeSource('scratch', undefined, {
      emptyDir: {
        ...(options.medium ? { medium: options.medium } : {}),
        ...(options.sizeLimit ? { sizeLimit: options.sizeLimit } : {}),
      },
    });
  }

  private constructor(
    /** `configmap`, `secret` or `scratch`. */
    public readonly kind: 'configmap' | 'secret' | 'scratch',
    /** The ConfigMap or Secret name. */
    public readonly objectName: string | undefined,
    private readonly source: Record<string, unknown>,
  ) {}

  /** Whether a mount of it is read-only unless it says otherwise. */
  public get readOnlyByDefault(): boolean {
    return this.kind !== 'scratch';
  }

  /** The Kubernetes volume called `name`. */
  public toKube(name: string): Record<string, unknown> {
    return { name, ...structuredClone(this.source) };
  }
}

/** One volume mounted into the service's container. */
export interface VolumeMountProps {
  /** Absolute path in the container. */
  readonly mountPath: string;
  /** Where the files come from. */
  readonly source: VolumeSource;
  /**
   * Volume name in the pod (a DNS label, unique in the pod).
   * @default - `<kind>-<object name>` (`configmap-nginx`), or `scratch-<n>`
   */
  readonly name?: string;
  /**
   * Mount only this path inside the volume.
   * @default - the whole volume
   */
  readonly subPath?: string;
  /**
   * Mount read-only.
   * @default - true for ConfigMaps and Secrets, false for scratch directories
   */
  readonly readOnly?: boolean;
}

/** A volume and its mount, resolved. */
export interface ResolvedVolume {
  /** The pod's volume. */
  readonly volume: Record<string, unknown>;
  /** The container's mount. */
  readonly mount: { name: string; mountPath: string; readOnly?: boolean; subPath?: string };
}

/** Resolves `mounts` under construct `path`, refusing relative paths and duplicate names or paths. */
export function resolveVolumes(path: string, mounts: readonly VolumeMountProps[]): ResolvedVolume[] {
  const names = new Set<string>();
  const paths = new Set<string>();
  return mounts.map((m, i) => {
    checkProps(path, m, VOLUME_MOUNT_SHAPE, `volumes[${i}]`);
    const name = m.name ?? (m.source.objectName ? `${m.source.kind}-${m.source.objectName}` : `scratch-${i}`);
    checkDnsLabel(path, `volumes[${i}].name`, name);
    if (!m.mountPath.startsWith('/')) {
      throw new StagecraftError(path, `volumes[${i}].mountPath must be absolute, got ${JSON.stringify(m.mountPath)}`);
    }
    if (names.has(name)) {
      throw new StagecraftError(
        path,
        `volumes[${i}].name ${JSON.stringify(name)} is used twice; allowed: a unique name per volume`,
      );
    }
    if (paths.has(m.mountPath)) {
      throw new StagecraftError(
        path,
        `volumes[${i}].mountPath ${JSON.stringify(m.mountPath)} is mounted twice; allowed: one volume per path`,
      );
    }
    names.add(name);
    paths.add(m.mountPath);
    const readOnly = m.readOnly ?? m.source.readOnlyByDefault;
    return {
      volume: m.source.toKube(name),
      mount: {
        name,
        mountPath: m.mountPath,
        ...(readOnly ? { readOnly: true } : {}),
        ...(m.subPath ? { subPath: m.subPath } : {}),
      },
    };
  });
}

function keyed(options: KeyedVolumeOptions): Record<string, unknown> {
  const items = Object.entries(options.items ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, path]) => ({ key, path }));
  return {
    ...(items.length > 0 ? { items } : {}),
    ...(options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}),
  };
}

const KEYED_SHAPE = shape<KeyedVolumeOptions>('KeyedVolumeOptions', { items: 'stringMap', defaultMode: 'number' });
const EMPTY_DIR_SHAPE = shape<EmptyDirOptions>('EmptyDirOptions', {
  sizeLimit: 'string',
  medium: { oneOf: ['Memory'] },
});

/** The keys of `VolumeMountProps`, checked at run time. */
export const VOLUME_MOUNT_SHAPE = shape<VolumeMountProps>('VolumeMountProps', {
  mountPath: 'string',
  source: { instanceOf: VolumeSource, hint: 'a VolumeSource (VolumeSource.configMap(), .secret() or .emptyDir())' },
  name: 'string',
  subPath: 'string',
  readOnly: 'boolean',
});
