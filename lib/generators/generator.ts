import { FileSet } from '../core/file-set';
import { PlatformView } from './platform-view';

/**
 * One kind of generated output (bases, service overlays, Argo CD objects, the Makefile…): it
 * reads the platform view and adds its files. Synth runs every generator over the same view.
 */
export type Generator = (view: PlatformView, files: FileSet) => void;
