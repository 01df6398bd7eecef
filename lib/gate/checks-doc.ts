import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CHECKS } from './findings';

/** Markers around the generated part of `docs/validation.md`. */
export const CHECKS_DOC_BEGIN = '<!-- checks:begin (generated from lib/gate/findings.ts CHECKS by `npm run docs`) -->';
/** End marker of the generated checks table. */
export const CHECKS_DOC_END = '<!-- checks:end -->';

/**
 * The table of every gate check id and what it covers, from the gate's own registry, so the
 * documentation cannot name a check the gate does not have or miss one it has.
 */
export function checksTable(): string {
  const rows = Object.entries(CHECKS).map(([id, what]) => `| \`${id}\` | ${what.replace(/\|/g, '\\|')} |`);
  return ['| Check | What it covers |', '| --- | --- |', ...rows].join('\n');
}

/** `doc` with the text between the checks markers replaced by the current table. */
export function withChecksTable(doc: string, file: string): string {
  const begin = doc.indexOf(CHECKS_DOC_BEGIN);
  const end = doc.indexOf(CHECKS_DOC_END);
  if (begin < 0 || end < begin) {
    throw new Error(`${file}: no checks section; allowed: the markers ${CHECKS_DOC_BEGIN} and ${CHECKS_DOC_END}`);
  }
  return `${doc.slice(0, begin + CHECKS_DOC_BEGIN.length)}\n\n${checksTable()}\n\n${doc.slice(end)}`;
}

/** The documentation file that holds the checks table, relative to the repository root. */
export const CHECKS_DOC = 'docs/validation.md';

/**
 * Every documentation file with a part generated from the code, as it should read now,
 * formatted by the repository's own prettier (run as its CLI: nothing that synthesizes or
 * validates loads it) so `prettier --check` agrees with it.
 */
export function generatedDocs(repoRoot: string): { file: string; content: string }[] {
  const file = CHECKS_DOC;
  const absolute = path.join(repoRoot, file);
  const raw = withChecksTable(fs.readFileSync(absolute, 'utf8'), file);
  const prettier = require.resolve('prettier/bin/prettier.cjs', { paths: [repoRoot] });
  const content = execFileSync(process.execPath, [prettier, '--stdin-filepath', absolute], {
    input: raw,
    encoding: 'utf8',
  });
  return [{ file, content }];
}
