/** What one committed set of writes did to the files below its root. */
export interface WriteSummary {
  /** Files that did not exist before, sorted. */
  readonly created: readonly string[];
  /** Files whose content changed, sorted. */
  readonly changed: readonly string[];
  /** Files removed (stale in a generated directory), sorted. */
  readonly removed: readonly string[];
  /** Files written with the content they already had (not touched), sorted. */
  readonly unchanged: readonly string[];
}

/**
 * The summary as lines, one per top-level directory (a file at the root is its own group), e.g.
 * `  overlays/  1 new, 2 changed, 0 removed, 37 unchanged`; directories where nothing was written
 * or removed are left out (the headline of `describeWrites` counts them).
 */
export function formatWriteSummary(summary: WriteSummary): string[] {
  const groups = new Map<string, Record<Kind, number>>();
  const count = (files: readonly string[], key: Kind) => {
    for (const file of files) {
      const group = groupOf(file);
      const entry = groups.get(group) ?? { created: 0, changed: 0, removed: 0, unchanged: 0 };
      entry[key]++;
      groups.set(group, entry);
    }
  };
  count(summary.created, 'created');
  count(summary.changed, 'changed');
  count(summary.removed, 'removed');
  count(summary.unchanged, 'unchanged');
  const names = [...groups.keys()]
    .filter((name) => {
      const g = groups.get(name)!;
      return g.created + g.changed + g.removed > 0;
    })
    .sort();
  const width = Math.max(0, ...names.map((name) => name.length));
  return names.map((name) => {
    const g = groups.get(name)!;
    return `  ${name.padEnd(width)}  ${g.created} new, ${g.changed} changed, ${g.removed} removed, ${g.unchanged} unchanged`;
  });
}

type Kind = 'created' | 'changed' | 'removed' | 'unchanged';

/** The group a relative path is counted under: its top-level directory with a slash, or the file itself. */
export function groupOf(relativePath: string): string {
  const slash = relativePath.indexOf('/');
  return slash < 0 ? relativePath : relativePath.slice(0, slash + 1);
}

/**
 * One headline for a command that wrote `summary`, e.g. `synth main.ts: 3 files written (1 new,
 * 2 changed), 0 removed, 212 unchanged in 0.42 s`, followed by the lines per directory.
 */
export function describeWrites(what: string, summary: WriteSummary, seconds: number): string[] {
  const written = summary.created.length + summary.changed.length;
  const time = `in ${seconds.toFixed(2)} s`;
  const headline =
    written + summary.removed.length === 0
      ? `${what}: nothing changed, ${summary.unchanged.length} files up to date ${time}`
      : `${what}: ${written} ${written === 1 ? 'file' : 'files'} written (${summary.created.length} new, ${summary.changed.length} changed), ${summary.removed.length} removed, ${summary.unchanged.length} unchanged ${time}`;
  return [headline, ...formatWriteSummary(summary)];
}
