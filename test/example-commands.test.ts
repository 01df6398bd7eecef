import * as fs from 'fs';
import * as path from 'path';
import { readImagePin } from '../lib/kube/image-pin';
import { exampleEntries } from '../lib/synth/example-entries';
import { loadApp } from '../lib/synth/load-app';
import { git, gitInit, tempDir, runCommand as run } from './support';

// Every example is a platform of its own that every command reaches with --app: validated,
// promoted along its own table, diffed and rolled back, in a copy of its committed tree.
const repo = path.resolve(__dirname, '..');
const examples = exampleEntries(path.join(repo, 'examples'));

/** A git repository holding a copy of the example's committed tree under examples/<name>/, lib/ linked in. */
function repositoryWith(name: string): string {
  const root = tempDir(`example-${name}-`);
  fs.cpSync(path.join(repo, 'examples', name), path.join(root, 'examples', name), {
    recursive: true,
    filter: (source) => path.basename(source) !== '.cache',
  });
  fs.symlinkSync(path.join(repo, 'lib'), path.join(root, 'lib'));
  fs.writeFileSync(path.join(root, '.gitignore'), '.cache/\n');
  gitInit(root);
  return root;
}

describe.each(Object.keys(examples))('examples/%s through --app', (name) => {
  const app = `examples/${name}/platform.ts`;
  const { platform } = loadApp(examples[name]);
  const service = platform.services[0];
  // The first promotion step of the example's own table, if it has one (not every seed promotes).
  const chain = platform.environments.promotionChains().find((c) => c.length > 1) ?? [];
  const [from, to] = chain;
  // The environment a new tag reaches: promoted into `to`, or pinned directly where nothing promotes.
  const target = to ?? platform.environments.deployed[0];
  const pinIn = (root: string, env: string) =>
    readImagePin(path.join(root, 'examples', name, 'overlays', env, service.name, 'kustomization.yaml'), service.image);

  test('validate --app checks the example against its own table and exits 0', () => {
    const root = repositoryWith(name);
    const result = run(root, 'validate', '--no-cache', '--app', app);
    expect([result.status, result.stderr]).toEqual([0, '']);
    const envs = result.stdout
      .split('\n')
      .map((l) => l.split(/\s+/)[0])
      .filter((e) => platform.environments.names.includes(e));
    expect(envs.sort()).toEqual([...platform.environments.names].sort());
  });

  test('set-image, promote, diff and rollback change only its tree, along its own promotion order', () => {
    const root = repositoryWith(name);
    const base = git(root, 'rev-parse', 'HEAD');
    const before = pinIn(root, target.name);
    expect(before).toBeDefined();
    const setImage = run(root, 'set-image', from?.name ?? target.name, service.name, '9.9.1', '--app', app);
    expect([setImage.status, setImage.stderr]).toEqual([0, '']);
    git(root, 'commit', '-qam', `${service.name} 9.9.1`);
    if (from && to) {
      const promote = run(root, 'promote', from.name, to.name, '--approve', '--commit', '--app', app);
      expect([promote.status, promote.stderr]).toEqual([0, '']);
      expect(git(root, 'log', '-1', '--format=%s')).toMatch(new RegExp(`^promote ${from.name} -> ${to.name}: `));
    } else {
      // Without a promotion order, promoting into the deployed environment is refused in one line.
      const other = platform.environments.environments[0].name;
      expect(run(root, 'promote', other, target.name, '--app', app)).toEqual({
        status: 1,
        stdout: '',
        stderr: expect.stringMatching(
          new RegExp(
            `^promote: cannot promote ${other} -> ${target.name}: ${target.name} is not downstream of ${other} \\(promotion order: [^)]+\\)\n$`,
          ),
        ),
      });
    }
    expect(pinIn(root, target.name)).toEqual({ newTag: '9.9.1' });

    const diff = run(root, 'diff', '--base', 'HEAD~1', '--env', target.name, '--app', app);
    expect([diff.status, diff.stderr]).toEqual([0, '']);
    expect(diff.stdout).toContain(`== ${target.name}: changed apps/Deployment ${target.namespace}/${service.name}\n`);
    expect(diff.stdout).toContain(`+          image: ${service.image}:9.9.1\n`);

    const rollback = run(
      root,
      'rollback',
      target.name,
      service.name,
      '--reason',
      'smoke test failed',
      '--date',
      '2026-11-24',
      '--commit',
      // Rollback needs the same approval as promotion where the table asks for it.
      ...(target.requiresApproval ? ['--approve'] : []),
      '--app',
      app,
    );
    expect([rollback.status, rollback.stderr]).toEqual([0, '']);
    expect(rollback.stdout).toContain(`blocked ${service.name} 9.9.1: smoke test failed\n`);
    expect(pinIn(root, target.name)).toEqual(before);
    expect(fs.existsSync(path.join(root, 'examples', name, 'releases', 'blocklist.yaml'))).toBe(true);
    expect(git(root, 'status', '--porcelain')).toBe('');
    const changed = git(root, 'diff', '--name-only', base, 'HEAD').split('\n');
    expect(changed.filter((f) => !f.startsWith(`examples/${name}/`))).toEqual([]);
  });
});
