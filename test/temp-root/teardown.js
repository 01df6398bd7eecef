// Jest globalTeardown: fails the run when a test left anything in the run's TMPDIR (see
// setup.js), naming what it left, then removes the directory whatever happened.
const fs = require('fs');
const path = require('path');

/** Caches of the tools the tests run, not leaks: tsx keeps its compiled files in `tsx-<uid>`. */
const CACHES = /^tsx-\d+$/;

module.exports = async function teardown() {
  const root = process.env.STAGECRAFT_TEST_TMPDIR;
  if (!root) return;
  const left = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => !CACHES.test(name)) : [];
  fs.rmSync(root, { recursive: true, force: true });
  if (process.env.STAGECRAFT_OUTER_TMPDIR) process.env.TMPDIR = process.env.STAGECRAFT_OUTER_TMPDIR;
  else delete process.env.TMPDIR;
  if (left.length > 0) {
    throw new Error(
      `tests left ${left.length} temp entr${left.length === 1 ? 'y' : 'ies'} in ${path.basename(root)}: ${left.sort().join(', ')}; make temp dirs with tempDir() from test/support`,
    );
  }
};
