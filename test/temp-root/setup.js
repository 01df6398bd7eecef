// Jest globalSetup: the whole run (every worker, every command a test spawns) gets its own
// TMPDIR, so that teardown.js can tell exactly what the tests left behind.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-jest-'));
  process.env.STAGECRAFT_TEST_TMPDIR = root;
  process.env.STAGECRAFT_OUTER_TMPDIR = process.env.TMPDIR ?? '';
  process.env.TMPDIR = root;
};
