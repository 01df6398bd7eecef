import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// The layers of lib/ and what each may import (docs/architecture.md, Layers). A layer always may import itself.
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  kube: ['core'],
  model: ['core'],
  constructs: ['core', 'model'],
  generators: ['core', 'model', 'constructs', 'kube'],
  synth: ['core', 'model', 'constructs', 'generators', 'kube'],
  review: ['core', 'model', 'constructs', 'generators', 'synth', 'kube'],
  gate: ['core', 'model', 'constructs', 'generators', 'synth', 'kube', 'review'],
  release: ['core', 'model', 'constructs', 'generators', 'synth', 'kube'],
};
/** Folders outside lib/ that lib/ may import: the typed custom-resource props. */
const OUTSIDE: Record<string, readonly string[]> = {
  imports: ['model', 'constructs', 'gate'],
};

const repo = path.resolve(__dirname, '..');
const lib = path.join(repo, 'lib');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .filter((f) => f.endsWith('.ts'))
    .sort();
}

/** Every relative module a file imports or re-exports, resolved to a file of the repository. */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      specs.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
    if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression.getText(source);
      if (callee === 'require' || node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        specs.push(node.arguments[0].text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => {
      const base = path.resolve(path.dirname(file), s);
      const found = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
        (c) => fs.existsSync(c) && fs.statSync(c).isFile(),
      );
      if (!found) throw new Error(`${path.relative(repo, file)} imports ${s}, which does not exist`);
      return found;
    });
}

/** The layer of a file under `libDir` (its first folder), or undefined for the top index.ts. */
function layerOf(libDir: string, file: string): string | undefined {
  const parts = path.relative(libDir, file).split(path.sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Imports against the direction, as `from -> to` relative to `rootDir`. */
function violations(rootDir: string, libDir: string, graph: Map<string, string[]>): string[] {
  const rel = (f: string) => path.relative(rootDir, f);
  const out: string[] = [];
  for (const [file, imports] of graph) {
    const layer = layerOf(libDir, file);
    if (layer === undefined) continue;
    for (const target of imports) {
      if (!target.startsWith(libDir + path.sep)) {
        const top = path.relative(rootDir, target).split(path.sep)[0];
        if (!(OUTSIDE[top] ?? []).includes(layer)) out.push(`${rel(file)} -> ${rel(target)}`);
        continue;
      }
      const targetLayer = layerOf(libDir, target);
      if (targetLayer === undefined) {
        out.push(`${rel(file)} -> ${rel(target)} (only commands and tests import the top index.ts)`);
      } else if (targetLayer !== layer && !(ALLOWED[layer] ?? []).includes(targetLayer)) {
        out.push(`${rel(file)} -> ${rel(target)}`);
      }
    }
  }
  return out;
}

/** Every import cycle, as the chain of files relative to `rootDir`. */
function cycles(rootDir: string, graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'visiting') {
        out.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(rootDir, f)).join(' -> '));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return out;
}

function importGraph(libDir: string): Map<string, string[]> {
  return new Map(sourceFiles(libDir).map((f) => [f, importsOf(f)]));
}

const graph = importGraph(lib);
const rel = (f: string) => path.relative(repo, f);

describe('architecture of lib/', () => {
  test('every file sits in a known layer folder (only lib/index.ts is at the top)', () => {
    const strays = [...graph.keys()].filter((f) => {
      const layer = layerOf(lib, f);
      return layer === undefined ? rel(f) !== 'lib/index.ts' : !(layer in ALLOWED);
    });
    expect(strays.map(rel)).toEqual([]);
  });

  test('imports point one way: core <- model <- constructs <- generators <- synth; kube on core only', () => {
    expect(violations(repo, lib, graph)).toEqual([]);
  });

  test('no import cycle between files', () => {
    expect(cycles(repo, graph)).toEqual([]);
  });

  test('fails when a file imports against the direction or in a cycle, naming both files', () => {
    const fixture = path.join(repo, 'test', 'fixtures', 'architecture');
    const fixtureLib = path.join(fixture, 'lib');
    const fixtureGraph = importGraph(fixtureLib);
    expect(violations(fixture, fixtureLib, fixtureGraph)).toEqual([
      'lib/core/c.ts -> imports/crd.ts',
      'lib/model/a.ts -> lib/constructs/b.ts',
    ]);
    expect(cycles(fixture, fixtureGraph)).toEqual(['lib/constructs/b.ts -> lib/model/a.ts -> lib/constructs/b.ts']);
  });
});

/** Every TypeScript file of the repository's own code: lib/, scripts/, bench/, examples/, test/ and the root. */
function repositorySources(): string[] {
  const top = fs
    .readdirSync(repo)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(repo, f));
  const dirs = ['lib', 'scripts', 'bench', 'examples', 'test'].map((d) => path.join(repo, d));
  const architectureFixture = path.join(repo, 'test', 'fixtures', 'architecture');
  return [...top, ...dirs.flatMap(sourceFiles)]
    .filter((f) => !f.startsWith(architectureFixture + path.sep) && !f.split(path.sep).includes('dist'))
    .sort();
}

/** Files that import `target`, directly or through other files of `graph`, each with its chain. */
function dependentsOf(target: string, graph: Map<string, string[]>): string[] {
  const chains = new Map<string, string[] | null>();
  const chainOf = (file: string, seen: Set<string>): string[] | null => {
    if (chains.has(file)) return chains.get(file)!;
    if (seen.has(file)) return null;
    seen.add(file);
    let found: string[] | null = null;
    for (const next of graph.get(file) ?? []) {
      const rest = next === target ? [target] : chainOf(next, seen);
      if (rest) {
        found = [file, ...rest];
        break;
      }
    }
    chains.set(file, found);
    return found;
  };
  return [...graph.keys()]
    .filter((f) => f !== target)
    .map((f) => chainOf(f, new Set()))
    .filter((chain): chain is string[] => chain !== null)
    .map((chain) => chain.map(rel).join(' -> '));
}

describe("the user's main.ts", () => {
  test('only main.test.ts imports it: the library tests, commands and examples never depend on it', () => {
    // main.ts is the team's own platform (README, Add a service): changing it must not break a library test.
    const sources = repositorySources();
    const repoGraph = new Map(sources.map((f) => [f, importsOf(f)]));
    const main = path.join(repo, 'main.ts');
    expect(sources).toContain(path.join(repo, 'test', 'support.ts'));
    expect(dependentsOf(main, repoGraph).filter((chain) => !chain.startsWith('main.test.ts -> '))).toEqual([]);
    // The same walk does find what files import: main.test.ts imports the public API.
    expect(dependentsOf(path.join(repo, 'lib', 'index.ts'), repoGraph)).toContain('main.test.ts -> lib/index.ts');
  });
});
