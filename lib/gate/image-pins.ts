import * as fs from 'fs';
import * as path from 'path';
import { digestProblem, tagProblem } from '../core/oci-reference';
import { parseImageEntries } from '../kube/image-pin';
import { RawFinding } from './findings';

/**
 * The `image-pin` check of one overlay directory's kustomization: every pin is a valid OCI tag
 * and digest (a hand edit such as `newTag: "1.4.2 hotfix"` fails here, before promotion can copy
 * it on), and no entry is one the release tools cannot keep (a duplicate name, `newName`).
 */
export function checkImagePins(rootDir: string, dir: string): RawFinding[] {
  const file = path.posix.join(dir, 'kustomization.yaml');
  const absolute = path.join(rootDir, file);
  if (!fs.existsSync(absolute)) return [];
  try {
    return parseImageEntries(fs.readFileSync(absolute, 'utf8'), file).flatMap((entry) => {
      const problems = [
        entry.pin.newTag !== undefined ? tagProblem(entry.pin.newTag) : undefined,
        entry.pin.digest !== undefined ? digestProblem(entry.pin.digest) : undefined,
      ];
      return problems
        .filter((p): p is string => p !== undefined)
        .map((p): RawFinding => ({ check: 'image-pin', message: `${file}: images[${entry.name}]: ${p}` }));
    });
  } catch (error) {
    const message = (error as Error).message;
    // A file that is no kustomization at all is the render check's finding, not this one's.
    if (/: (not valid YAML|not a kustomization)/.test(message)) return [];
    return [{ check: 'image-pin', message }];
  }
}
