import * as fs from 'fs';
import * as path from 'path';
import { synthBazaar, tempDir } from './support';
import { CHECKS } from '../lib/gate/findings';
import { CHECKS_DOC, CHECKS_DOC_BEGIN, CHECKS_DOC_END, generatedDocs, withChecksTable } from '../lib/gate/checks-doc';

/**
 * The README and docs/ promise commands and link to files: every `npm run <script>` they show
 * is a script of package.json, every option given to it appears in that command's source (its
 * usage), every `make <target>` is a target of the generated Makefile, and every relative link
 * resolves (to a file, and to a heading where it names one).
 */
const repo = path.resolve(__dirname, '..');
const docs = [
  'README.md',
  ...(fs.existsSync(path.join(repo, 'docs'))
    ? fs
        .readdirSync(path.join(repo, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join('docs', f))
    : []),
].sort();
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts;
const root = tempDir();
synthBazaar(root);
const makeTargets = new Set(
  [...fs.readFileSync(path.join(root, 'Makefile'), 'utf8').matchAll(/^([a-z][\w-]*):/gm)].map((m) => m[1]),
);

/**
 * The source file an npm script runs (scripts/x.ts, scripts/x.mjs, bench/bench.ts; for
 * `node scripts/command.mjs x`, the command's own scripts/x.ts), if any.
 */
function sourceOf(script: string): string | undefined {
  const launched = scripts[script]?.match(/scripts\/command\.mjs ([\w-]+)/)?.[1];
  const file = launched ? `scripts/${launched}.ts` : scripts[script]?.match(/(\S+\.(?:ts|mjs))\b/)?.[1];
  return file ? fs.readFileSync(path.join(repo, file), 'utf8') : undefined;
}

/** GitHub's anchor of a heading. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

/** Code spans and blocks of a markdown file, where commands are shown. */
function code(text: string): string[] {
  return [...text.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`]+)`/g)].map((m) => m[1] ?? m[2]);
}

describe.each(docs)('%s', (file) => {
  const text = fs.readFileSync(path.join(repo, file), 'utf8');
  const snippets = code(text);

  test('every npm run command it shows exists, with the options it shows', () => {
    const problems: string[] = [];
    for (const snippet of snippets)
      for (const line of snippet.split('\n'))
        for (const m of line.matchAll(/npm run ([\w:-]+)((?: -- [^#;&|`]*)?)/g)) {
          const [, script, rest] = m;
          if (!(script in scripts)) {
            problems.push(`npm run ${script}: no such script; allowed: ${Object.keys(scripts).join(', ')}`);
            continue;
          }
          const source = sourceOf(script);
          for (const option of rest.matchAll(/(?:^|\s)(--[a-z][\w-]*)/g))
            if (
              source &&
              ![`'${option[1].slice(2)}'`, `${option[1].slice(2)}:`, `'${option[1]}'`].some((form) =>
                source.includes(form),
              )
            )
              problems.push(`npm run ${script} ${option[1]}: not an option of ${scripts[script]}`);
        }
    expect(problems).toEqual([]);
  });

  test('every make target it shows is a target of the generated Makefile', () => {
    const problems = snippets
      .flatMap((s) => [...s.matchAll(/(?:^|\s|`)make ([a-z][\w-]*)/gm)].map((m) => m[1]))
      .filter((t) => !makeTargets.has(t))
      .map((t) => `make ${t}: no such target; allowed: ${[...makeTargets].sort().join(', ')}`);
    expect(problems).toEqual([]);
  });

  test('every relative link resolves', () => {
    const problems: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue;
      const [rel, hash] = target.split('#');
      const dest = rel === '' ? path.join(repo, file) : path.resolve(path.dirname(path.join(repo, file)), rel);
      if (!fs.existsSync(dest)) {
        problems.push(`${target}: no such file`);
        continue;
      }
      if (hash && dest.endsWith('.md')) {
        const headings = [...fs.readFileSync(dest, 'utf8').matchAll(/^#+ (.+)$/gm)].map((h) => anchor(h[1]));
        if (!headings.includes(hash)) problems.push(`${target}: no heading #${hash} in ${path.relative(repo, dest)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('generated parts of docs/', () => {
  test('are current (npm run docs rewrites them from the code)', () => {
    for (const { file, content } of generatedDocs(repo))
      expect({ file, content: fs.readFileSync(path.join(repo, file), 'utf8') }).toEqual({ file, content });
  });

  test('the checks table lists every check id of the gate, once', () => {
    const doc = fs.readFileSync(path.join(repo, CHECKS_DOC), 'utf8');
    const listed = [...doc.matchAll(/^\| `([\w-]+)` +\|/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(CHECKS));
  });

  test('fails when the checks markers are missing, naming the file', () => {
    expect(() => withChecksTable('# Validation\n', 'docs/x.md')).toThrow(
      `docs/x.md: no checks section; allowed: the markers ${CHECKS_DOC_BEGIN} and ${CHECKS_DOC_END}`,
    );
  });
});
