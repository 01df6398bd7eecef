import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tempDir } from './support';

// The repository is a template a team makes its own: the README's "Add a service" and "Add an
// environment" snippets, applied as written to main.ts of a copy of this repository, followed by
// the README's steps (format, synth, `npm test -- -u`, `npm test`), must leave CI green. Slow on
// purpose: it runs the whole suite inside the copy once (see README, "Check a model change").

const repo = path.resolve(__dirname, '..');
/** Set in the copy's own `npm test`, where this test must not run again. */
const INNER = 'STAGECRAFT_TEMPLATE_RUN';

/** The first ```ts block after the heading `### <title>` of the README. */
function readmeSnippet(readme: string, title: string): string {
  const heading = readme.indexOf(`\n### ${title}\n`);
  if (heading < 0) throw new Error(`README.md: no "### ${title}" section`);
  const block = /\n```ts\n([\s\S]*?)\n```\n/.exec(readme.slice(heading));
  const next = readme.indexOf('\n### ', heading + 1);
  if (!block || (next >= 0 && heading + block.index > next)) {
    throw new Error(`README.md: no \`\`\`ts block in "### ${title}"`);
  }
  return block[1];
}

/**
 * main.ts with a service added to its platform factory (before the `return` of the function that
 * creates the `Platform`) and an environment added to the array its `EnvironmentTable` is built
 * from: where the README tells a user to put them.
 */
function applySnippets(main: string, service: string, environment: string): string {
  const source = ts.createSourceFile('main.ts', main, ts.ScriptTarget.Latest, true);
  const nodes: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    nodes.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  const isNew = (node: ts.Node, name: string): node is ts.NewExpression =>
    ts.isNewExpression(node) && node.expression.getText(source) === name;

  const table = nodes.find((n) => isNew(n, 'EnvironmentTable')) as ts.NewExpression | undefined;
  const argument = table?.arguments?.[0];
  const array =
    argument && ts.isIdentifier(argument)
      ? nodes
          .filter(ts.isVariableDeclaration)
          .find((d) => d.name.getText(source) === argument.text && d.initializer !== undefined)?.initializer
      : argument;
  if (!array || !ts.isArrayLiteralExpression(array)) {
    throw new Error('main.ts: no array literal of environments passed to new EnvironmentTable(...)');
  }
  const factory = nodes.find(
    (n): n is ts.FunctionLikeDeclaration =>
      ts.isFunctionLike(n) && nodes.some((m) => isNew(m, 'Platform') && m.pos >= n.pos && m.end <= n.end),
  );
  const body = factory?.body;
  const returned = body && ts.isBlock(body) ? [...body.statements].reverse().find(ts.isReturnStatement) : undefined;
  if (!returned) throw new Error('main.ts: no function that creates the Platform and returns it');

  const last = array.elements[array.elements.length - 1];
  const comma = last !== undefined && !array.elements.hasTrailingComma ? ',' : '';
  const edits = [
    { at: array.elements.end, text: `${comma}\n${environment}` },
    { at: main.lastIndexOf('\n', returned.getStart(source)) + 1, text: `${service}\n` },
  ].sort((a, b) => b.at - a.at);
  return edits.reduce((text, edit) => text.slice(0, edit.at) + edit.text + text.slice(edit.at), main);
}

/** Copies every file git knows of in `from` (tracked or untracked, not ignored) to `to`. */
function copyRepository(from: string, to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: from,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && fs.existsSync(path.join(from, f)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(path.join(from, file), path.join(to, file));
    fs.chmodSync(path.join(to, file), fs.statSync(path.join(from, file)).mode);
  }
}

/** Runs `npm <args>` in `cwd`; returns its status and the tail of its output for a failure message. */
function npm(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) {
  const started = Date.now();
  const result = spawnSync('npm', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout}${result.stderr}`.trimEnd().split('\n');
  return {
    command: `npm ${args.join(' ')}`,
    status: result.status,
    tail: output.slice(-40).join('\n'),
    seconds: (Date.now() - started) / 1000,
  };
}

describe('readmeSnippet and applySnippets', () => {
  const MAIN = [
    "import { EnvironmentTable, Platform } from './lib';",
    'const table = [',
    "  { name: 'dev' }",
    '];',
    'export function shop(app: App): Platform {',
    "  const platform = new Platform(app, 'shop', { environments: new EnvironmentTable(table) });",
    '  return platform;',
    '}',
    '',
  ].join('\n');

  test('takes the first ts block of a section', () => {
    const readme = "# R\n\n### Add a service\n\nText\n\n```ts\nnew Microservice(platform, 'x', {});\n```\n\n### Next\n";
    expect(readmeSnippet(readme, 'Add a service')).toBe("new Microservice(platform, 'x', {});");
  });

  test('fails when the section or its ts block is missing', () => {
    expect(() => readmeSnippet('# R\n', 'Add a service')).toThrow('README.md: no "### Add a service" section');
    expect(() =>
      readmeSnippet('# R\n\n### Add a service\n\nno code\n\n### Next\n\n```ts\nx\n```\n', 'Add a service'),
    ).toThrow('README.md: no ```ts block in "### Add a service"');
  });

  test('puts the service before the return of the platform factory and the environment last in the table', () => {
    expect(applySnippets(MAIN, "new Microservice(platform, 'x', {});", "{ name: 'qa' },")).toBe(
      [
        "import { EnvironmentTable, Platform } from './lib';",
        'const table = [',
        "  { name: 'dev' },",
        "{ name: 'qa' },",
        '];',
        'export function shop(app: App): Platform {',
        "  const platform = new Platform(app, 'shop', { environments: new EnvironmentTable(table) });",
        "new Microservice(platform, 'x', {});",
        '  return platform;',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('fails when main.ts has no environment array or no platform factory', () => {
    expect(() => applySnippets(MAIN.replace('new EnvironmentTable(table)', 'environments'), 's', 'e')).toThrow(
      'main.ts: no array literal of environments passed to new EnvironmentTable(...)',
    );
    expect(() => applySnippets(MAIN.replace('  return platform;\n', ''), 's', 'e')).toThrow(
      'main.ts: no function that creates the Platform and returns it',
    );
  });
});

const inner = process.env[INNER] === '1';
(inner ? describe.skip : describe)(
  inner ? 'the README snippets (skipped: this is the copy the template test runs npm test in)' : 'the README snippets',
  () => {
    test('applied as written to a copy of the repository, npm run synth, npm test -- -u and npm test pass (slow: a whole npm test in the copy)', () => {
      const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
      const service = readmeSnippet(readme, 'Add a service');
      const environment = readmeSnippet(readme, 'Add an environment');
      const serviceName = /new Microservice\(platform, '([^']+)'/.exec(service)?.[1];
      const envName = /name: '([^']+)'/.exec(environment)?.[1];
      expect([serviceName, envName]).toEqual([expect.any(String), expect.any(String)]);

      // GIVEN a copy of the repository (node_modules and .tools linked, not copied) with the snippets in main.ts
      const work = tempDir('stagecraft-template-');
      const copy = path.join(work, 'repo');
      copyRepository(repo, copy);
      for (const link of ['node_modules', '.tools']) fs.symlinkSync(path.join(repo, link), path.join(copy, link));
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: copy });
      fs.appendFileSync(path.join(copy, '.git', 'info', 'exclude'), 'node_modules\n.tools\n');
      const gitIn = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', ...args], {
          cwd: copy,
          encoding: 'utf8',
        }).trimEnd();
      gitIn('add', '-A');
      gitIn('commit', '-qm', 'the template');
      const main = path.join(copy, 'main.ts');
      fs.writeFileSync(main, applySnippets(fs.readFileSync(main, 'utf8'), service, environment));

      // Every process of the copy keeps its temp files (jest's cache included) inside `work`.
      const tmp = path.join(work, 'tmp');
      fs.mkdirSync(tmp);
      const env: NodeJS.ProcessEnv = { ...process.env, [INNER]: '1', TMPDIR: tmp };
      delete env.JEST_WORKER_ID;
      delete env.CI;
      const steps: { command: string; seconds: number }[] = [];
      const step = (stepEnv: NodeJS.ProcessEnv, ...args: string[]) => {
        const result = npm(copy, stepEnv, ...args);
        steps.push(result);
        const output = result.status === 0 ? '' : result.tail;
        expect({ command: result.command, status: result.status, output }).toEqual({
          command: result.command,
          status: 0,
          output: '',
        });
      };

      // WHEN the README's steps run: format, synth
      step(env, 'run', 'format');
      step(env, 'run', 'synth');
      // THEN the new service has a base and an overlay in every environment, the new environment its overlays
      expect(fs.existsSync(path.join(copy, 'dist', serviceName!, 'kustomization.yaml'))).toBe(true);
      const serviceOverlays = fs
        .readdirSync(path.join(copy, 'overlays'))
        .filter((e) => fs.existsSync(path.join(copy, 'overlays', e, serviceName!, 'kustomization.yaml')));
      expect(serviceOverlays).toContain(envName);
      expect(fs.readFileSync(path.join(copy, 'overlays', envName!, 'kustomization.yaml'), 'utf8')).toContain(
        `  - ${serviceName}\n`,
      );
      gitIn('add', '-A');
      gitIn('commit', '-qm', `add ${serviceName} and ${envName}`);

      // AND npm test -- -u passes, rewriting nothing but snapshots
      step(env, 'test', '--', '-u');
      const rewritten = gitIn('status', '--porcelain', '--untracked-files=all')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.slice(3));
      expect(rewritten.filter((f) => !f.endsWith('.snap'))).toEqual([]);
      expect(rewritten).toContain('__snapshots__/main.test.ts.snap');
      const snapshot = fs.readFileSync(path.join(copy, '__snapshots__', 'main.test.ts.snap'), 'utf8');
      expect(snapshot).toContain(`"dist/${serviceName}/kustomization.yaml": "`);
      expect(snapshot).toContain(`"overlays/${envName}/${serviceName}/kustomization.yaml": "`);

      // AND npm test passes as CI runs it: the type check and format check over everything, and
      // jest --ci on every test file whose snapshots -u rewrote (nothing else changed since the
      // whole suite passed, so no other test file can pass or fail differently).
      const tests = rewritten.map((f) => path.join(path.dirname(path.dirname(f)), path.basename(f, '.snap')));
      step({ ...env, CI: 'true' }, 'test', '--', '--ci', ...tests);
      expect(gitIn('status', '--porcelain', '--untracked-files=all').split('\n').sort()).toEqual(
        rewritten.map((f) => ` M ${f}`).sort(),
      );
      console.log(`template test: ${steps.map((s) => `${s.command} ${s.seconds.toFixed(0)} s`).join(', ')}`);
    }, 900_000);
  },
);
