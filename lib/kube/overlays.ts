import * as fs from 'fs';
import * as path from 'path';

/** Every directory below `overlaysRoot` that holds a kustomization.yaml, sorted. */
export function findKustomizations(overlaysRoot: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (fs.existsSync(path.join(dir, 'kustomization.yaml'))) found.push(dir);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
    }
  };
  if (fs.existsSync(overlaysRoot)) walk(overlaysRoot);
  return found.sort();
}

/** Every .yaml/.yml file below `dir`, sorted. */
export function findYamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? findYamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : [],
    )
    .sort();
}
