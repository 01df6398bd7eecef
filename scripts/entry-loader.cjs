// Inside a command bundle (scripts/command.mjs): lets Node's require load an app entry, which is
// TypeScript and not in the bundle because the bundle is keyed by the library, not by the entry
// (editing a model must not rebuild every command). The entry and the local TypeScript it imports
// are compiled by esbuild (cached by content); every import of a library file or of a package the
// platform shares with the library (cdk8s, constructs, cdk8s-plus-28) is answered with the
// bundle's own module, so `instanceof Platform` and the construct tree see one copy of each.
const { createHash } = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

/**
 * Installs the loader. `modules` maps each bundled library file (absolute path) and each shared
 * package (by name, resolved from `root`) to a function returning the bundle's module;
 * `cacheDir` holds the compiled entries.
 */
exports.installEntryLoader = function installEntryLoader(modules, root, cacheDir) {
  const shared = new Map();
  for (const [id, load] of Object.entries(modules)) {
    shared.set(id, load);
    // An entry may name a package by its path (`<repo>/node_modules/cdk8s`): that resolves to the same file.
    if (!path.isAbsolute(id)) shared.set(require.resolve(id, { paths: [root] }), load);
  }
  const load = Module._load;
  Module._load = function loadShared(request, parent, isMain) {
    const outside = parent?.filename && !parent.filename.includes(`${path.sep}node_modules${path.sep}`);
    if (outside) {
      if (shared.has(request)) return shared.get(request)();
      let filename;
      try {
        filename = Module._resolveFilename(request, parent, isMain);
      } catch {
        filename = undefined;
      }
      if (filename !== undefined && shared.has(filename)) return shared.get(filename)();
    }
    return load.apply(this, arguments);
  };
  Module._extensions['.ts'] = function compileTypeScript(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const key = createHash('sha256').update(process.version).update(filename).update('\0').update(source);
    const compiled = path.join(cacheDir, `${key.digest('hex').slice(0, 24)}.cjs`);
    let code;
    try {
      code = fs.readFileSync(compiled, 'utf8');
    } catch {
      code = require('esbuild').transformSync(source, {
        loader: 'ts',
        format: 'cjs',
        target: 'node20',
        sourcefile: filename,
      }).code;
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${compiled}.${process.pid}-${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(tmp, code, { flag: 'wx' });
      fs.renameSync(tmp, compiled);
    }
    module._compile(code, filename);
  };
};
