import { gitInit, readTree, synthFixture, tempDirsRemovedAfterEach, runCommand as run } from './support';

const tempDir = tempDirsRemovedAfterEach();

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
