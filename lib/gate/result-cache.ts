import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentSummary, Finding, Waiver } from './findings';

/** Bump when what a stored result means changes. */
const FORMAT = 'gate-result-v2';

/** What the gate found in one deployment unit (an environment, or one cluster of one). */
export interface UnitResult {
  /** A hash of the model's files the unit's parity compared with (`no parity` without). */
  readonly model: string;
  /** The unit's findings after severities and waivers, in the order they were found. */
  readonly findings: Finding[];
  /** The unit's waived findings. */
  readonly waivers: Waiver[];
  /** The unit's counts. */
  readonly summary: EnvironmentSummary;
}

/** Everything a unit's result depends on, hashed into its key. */
export interface UnitInputs {
  /** The unit (`staging`, `prod/clusters/prod-eu`). */
  readonly unit: string;
  /** The repository root the files are relative to. */
  readonly rootDir: string;
  /** Every file the unit's checks read (its overlay trees, the bases they use, the unit's directory), absolute. */
  readonly files: readonly string[];
  /** What else decides the result: the kubectl binary, the unit's settings (the model's files are in the result). */
  readonly context: readonly string[];
}

/**
 * The gate's findings per deployment unit, one file per key: a hash of the gate's code (every
 * library source, the committed upstream data and the lockfile), the unit's input files and
 * its context; the result names the model it was checked against. A unit whose key is stored,
 * for the same model, is not rendered or checked again; a stored file that cannot be read as a
 * result is recomputed.
 */
export class GateResultCache {
  /** @param dir - the directory the results are kept in */
  public constructor(private readonly dir: string) {}

  /** The key of a unit's inputs. */
  public keyOf(inputs: UnitInputs): string {
    const hash = createHash('sha256').update(FORMAT).update('\0').update(codeIdentity()).update('\0');
    hash.update(inputs.unit).update('\0');
    for (const part of inputs.context) hash.update(part).update('\0');
    for (const file of [...new Set(inputs.files)].sort()) {
      hash.update(path.relative(inputs.rootDir, file)).update('\0');
      hash.update(fs.readFileSync(file)).update('\0');
    }
    return hash.digest('hex').slice(0, 32);
  }

  /** The stored result of `key`, or undefined when there is none or it is not a result. */
  public read(key: string): UnitResult | undefined {
    try {
      const stored = JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as UnitResult;
      const wellFormed =
        typeof stored?.model === 'string' &&
        Array.isArray(stored.findings) &&
        Array.isArray(stored.waivers) &&
        typeof stored.summary?.env === 'string' &&
        typeof stored.summary.objects === 'number';
      return wellFormed ? stored : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores `result` under `key` through a temp file renamed into place. */
  public write(key: string, result: UnitResult): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = this.file(key);
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(tmp, JSON.stringify(result), { flag: 'wx' });
    fs.renameSync(tmp, file);
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}

let code: string | undefined;

/**
 * A hash of what decides the gate's verdict besides its inputs: every TypeScript file of the
 * library, the committed upstream data (`imports/`) and the lockfile (the schema packages).
 * Read once per process.
 */
export function codeIdentity(): string {
  if (code !== undefined) return code;
  const repo = path.resolve(__dirname, '..', '..');
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|json)$/.test(entry.name))
        hash.update(path.relative(repo, file)).update('\0').update(fs.readFileSync(file));
    }
  };
  walk(path.join(repo, 'lib'));
  walk(path.join(repo, 'imports'));
  const lockfile = path.join(repo, 'package-lock.json');
  if (fs.existsSync(lockfile)) hash.update(fs.readFileSync(lockfile));
  code = hash.digest('hex');
  return code;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
