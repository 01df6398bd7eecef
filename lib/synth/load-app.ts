import * as path from 'path';
import { settleRepository } from '../core/repo-lock';
import { App } from 'cdk8s';
import { Platform } from '../constructs/platform';
import { AppEntry } from './app-entry';
import { SynthOptions } from './synth-options';

/** What an entry module exports: a platform factory, and optionally its synth options. */
export type AppModule = Readonly<Record<string, unknown>>;

/** A platform built from its entry, with the synth options the entry asks for. */
export interface LoadedApp {
  /** The entry. */
  readonly entry: AppEntry;
  /** The platform, built into a new cdk8s App. */
  readonly platform: Platform;
  /**
   * The entry's `synthOptions` export, with `rootDir` defaulting to the entry's directory: where
   * synth writes and where every command reads the overlays.
   */
  readonly options: SynthOptions & { readonly rootDir: string };
}

/**
 * Builds the platform of an entry module. The entry exports its factory `(app: App) => Platform`
 * as `default` or as its only exported function (e.g. `export function craftista(app)`), and may
 * export `synthOptions`.
 */
export function buildApp(entry: AppEntry, module: AppModule): LoadedApp {
  const factories = Object.entries(module).filter(([, value]) => typeof value === 'function');
  const chosen =
    typeof module.default === 'function' ? module.default : factories.length === 1 ? factories[0][1] : undefined;
  if (chosen === undefined) {
    const found = factories.map(([name]) => name).join(', ') || 'none';
    throw new Error(
      `${entry.file}: export one platform factory (app: App) => Platform, as default or as the only exported function; found functions: ${found}`,
    );
  }
  const platform = (chosen as (app: App) => unknown)(new App());
  if (!(platform instanceof Platform)) {
    throw new Error(`${entry.file}: the platform factory must return a Platform, got ${describe(platform)}`);
  }
  const options = (module.synthOptions ?? {}) as SynthOptions;
  return { entry, platform, options: { ...options, rootDir: options.rootDir ?? entry.rootDir } };
}

/** Loads an entry with Node's `require` (commands run under tsx, so TypeScript loads) and builds it. */
export function loadApp(entry: AppEntry): LoadedApp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const app = buildApp(entry, require(entry.file) as AppModule);
  // Every command loads its app first: none reads a tree a killed writer left half-applied.
  settleRepository(app.options.rootDir, commandLine());
  return app;
}

/** The command as typed (`npm run promote -- dev staging`), for the lock holder's record. */
export function commandLine(): string {
  const script = process.env.npm_lifecycle_event ?? path.basename(process.argv[1] ?? 'node', '.ts');
  const args = process.argv.slice(2);
  return `npm run ${script}${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}
