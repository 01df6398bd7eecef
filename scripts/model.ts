import { App } from 'cdk8s';
import { craftista } from '../main';
import { Platform } from '../lib';

/** The repository the tooling works on: $STAGECRAFT_ROOT, else the current directory (npm run sets it). */
export function repoRoot(): string {
  return process.env.STAGECRAFT_ROOT ?? process.cwd();
}

/** The platform model of this repository (main.ts). */
export function loadPlatform(): Platform {
  return craftista(new App());
}
