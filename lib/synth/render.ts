import { Platform } from '../constructs/platform';
import { Microservice } from '../constructs/microservice';
import { FileSet } from '../core/file-set';
import { argoCd } from '../generators/argocd';
import { datastoreBases, serviceBases } from '../generators/bases';
import { compose } from '../generators/compose';
import { datastoreOverlays } from '../generators/datastore-overlay';
import { environmentOverlay } from '../generators/environment-overlay';
import { environmentsDoc } from '../generators/environments-doc';
import { Generator } from '../generators/generator';
import { makefile } from '../generators/makefile';
import { namespaceBundles } from '../generators/namespace-bundle-overlay';
import { Layout, PlatformView } from '../generators/platform-view';
import { serviceOverlays } from '../generators/service-overlay';
import { sharedOverlays } from '../generators/shared-overlay';
import { secretStores } from '../generators/secret-store';
import { ImagePin, overlayKustomization } from '../kube/image-pin';
import { pinFile } from '../kube/cluster-overlays';
import { Placement, placementsOf } from '../generators/placement';
import { Environment } from '../model/environment';
import { SynthOptions } from './synth-options';
import { App } from 'cdk8s';
import { withPreparedApp } from '../constructs/chart-json';

/** Every generator, in the order synth runs them. */
export const GENERATORS: readonly Generator[] = [
  serviceBases,
  datastoreBases,
  serviceOverlays,
  sharedOverlays,
  secretStores,
  datastoreOverlays,
  environmentOverlay,
  argoCd,
  compose,
  makefile,
  environmentsDoc,
  namespaceBundles,
];

/** Reads the pin an existing overlay holds for an image, or undefined for a new overlay. */
export type PinReader = (file: string, image: string) => ImagePin | undefined;

/**
 * Renders every generated file of `platform` in memory: checks the model, builds one view of
 * it and runs every generator over that view. `readPin` returns the pin an overlay already
 * holds (synth keeps it), or undefined for a new overlay.
 */
export function render(platform: Platform, options: SynthOptions = {}, readPin: PinReader = () => undefined): FileSet {
  platform.validate();
  // The app is prepared once (dependencies, validation) for the charts every generator lists.
  return withPreparedApp(App.of(platform), () => {
    const view = platformView(platform, options, readPin);
    const files = new FileSet();
    for (const generate of GENERATORS) generate(view, files);
    for (const [file, content] of Object.entries(options.extraFiles ?? {})) files.add(file, content);
    return files;
  });
}

/** Fills the defaults of `options` once: where each kind of file goes. */
export function layoutOf(platform: Platform, options: SynthOptions): Layout {
  const table = platform.environments;
  const compose = options.compose ?? (table.deployed[0] ?? table.environments[0]).name;
  return {
    outdir: options.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist',
    overlaysDir: options.overlaysDir ?? 'overlays',
    argocdDir: 'argocd',
    localDir: options.localDir ?? 'local',
    composeEnvironment: compose === false ? undefined : table.get(compose),
    environmentsDoc: options.environmentsDoc ?? 'ENVIRONMENTS.md',
    makefile: options.makefile ?? true,
    makefileRepoTargets: options.makefileRepoTargets ?? true,
  };
}

function platformView(platform: Platform, options: SynthOptions, readPin: PinReader): PlatformView {
  const layout = layoutOf(platform, options);
  const services = platform.services;
  const pins = new Map<string, ImagePin>();
  const placements = new Map<string, readonly Placement[]>();
  const pinOf = (env: Environment, service: Microservice): ImagePin => {
    const file = overlayKustomization(layout.overlaysDir, env.name, service.name);
    let pin = pins.get(file);
    if (pin === undefined) {
      pin = readPin(file, service.image) ?? { newTag: env.initialImageTag ?? service.initialTag };
      pins.set(file, pin);
    }
    return pin;
  };
  return {
    name: platform.name,
    environments: platform.environments,
    services,
    datastores: platform.datastores,
    sharedConfig: platform.sharedConfig,
    bundles: platform.bundles,
    gitops: platform.gitops,
    ingressClassName: platform.ingressClassName,
    cluster: platform.cluster,
    layout,
    servicesIn: (env) => (env.runServices ? services.filter((s) => s.runsIn(env)) : []),
    pinOf,
    clusterPinOf: (env, service) =>
      env.cluster && readPin(pinFile(layout.overlaysDir, env.name, service.name, env.cluster.name), service.image),
    placementsOf: (env) => {
      let found = placements.get(env.name);
      if (found === undefined) placements.set(env.name, (found = placementsOf(env, layout.overlaysDir)));
      return found;
    },
    readPin,
  };
}
