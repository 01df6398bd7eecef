import { spawnSync } from 'child_process';
import * as path from 'path';
import { gitInit, readTree, synthFixture, tempDirsRemovedAfterEach } from './support';

const repo = path.resolve(__dirname, '..');
const tsx = require.resolve('tsx');
const tempDir = tempDirsRemovedAfterEach();

/** Runs `node --import tsx scripts/<command>.ts ...args` in `cwd`, with no terminal. */
function run(cwd: string, command: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', tsx, path.join(repo, 'scripts', `${command}.ts`), ...args], {
    cwd,
    encoding: 'utf8',
    input: '',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ALLOWED = 'allowed: dev, staging, prod, kind, kind-headless';

describe('commands refuse an unknown environment with the allowed names', () => {
  // diff used to print "no changes" and exit 0 for a misspelt environment; validate named a
  // missing directory; parity reported "every difference is explained".
  test.each(['diff', 'validate', 'parity'])('fails when %s gets --env prdo', (command) => {
    const root = tempDir();
    synthFixture(root, 'bazaar');
    gitInit(root);
    const before = readTree(root);
    expect(run(root, command, '--env', 'prdo')).toEqual({
      status: 1,
      stdout: '',
      stderr: `${command}: [--env] unknown environment "prdo"; ${ALLOWED}\n`,
    });
    expect(readTree(root)).toEqual(before);
  });
});
