import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { FileSet } from '../lib/core/file-set';

/** Path of promtool (Debian's `prometheus` package; `.ci/run` installs it), or undefined. */
export const PROMTOOL: string | undefined = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

/** `describe`, or `describe.skip` with the reason in its name when promtool is missing. */
export const describeWithPromtool = (name: string, body: () => void): void =>
  PROMTOOL ? describe(name, body) : describe.skip(`${name} (skipped: promtool is not installed)`, body);

/** The rule groups of the PrometheusRule in `file` of `files`, as a Prometheus rule file. */
export function ruleFileOf(files: FileSet, file: string): string {
  const content = new Map(files.entries()).get(file);
  if (content === undefined) throw new Error(`${file} was not rendered`);
  const rule = yaml.load(content) as { kind: string; spec: { groups: unknown[] } };
  if (rule.kind !== 'PrometheusRule') throw new Error(`${file} holds a ${rule.kind}, not a PrometheusRule`);
  return yaml.dump({ groups: rule.spec.groups }, { lineWidth: -1 });
}

/** Runs promtool with `args` in `cwd`; returns its exit code and output. */
export function promtool(cwd: string, ...args: string[]): { status: number; output: string } {
  const result = spawnSync(PROMTOOL!, args, { cwd, encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Writes `content` to `<dir>/<name>` and returns the path. */
export function writeFile(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * A counter's samples, one a minute, as promtool's `values`: `ratePerMinute(minute)` is added at
 * each step (cumulative, as Prometheus scrapes a counter).
 */
export function counter(minutes: number, ratePerMinute: (minute: number) => number): string {
  const values: number[] = [];
  let total = 0;
  for (let m = 0; m <= minutes; m++) {
    values.push(total);
    total += ratePerMinute(m);
  }
  return values.join(' ');
}
