import * as fs from 'fs';
import * as path from 'path';
import { runMain } from '../lib';
import { parseCommandArgs } from '../lib/core/command-args';
import { FileSet } from '../lib/core/file-set';
import { OPERATOR_RELEASES_DOC, renderOperatorReleasesDoc } from '../lib/gate/operator-releases-doc';
import { crdIndex } from '../lib/gate/schema';
import { DerivedCrdData } from '../lib/gate/crd-derivation';
import { CRD_DATA_FILE, deriveCrdFile, sharedDirOf } from '../lib/gate/upstream-data';
import { derivePolarisFile, POLARIS_DATA_FILE } from '../lib/gate/polaris-data';

const USAGE = 'usage: npm run derive-upstream [-- --shared <dir>]';

runMain('derive-upstream', () => {
  const { values } = parseCommandArgs({ usage: USAGE, options: { shared: { type: 'string' } } });
  const root = path.resolve(__dirname, '..');
  const shared = path.resolve(values.shared ?? sharedDirOf(root));
  if (!fs.existsSync(shared)) throw new Error(`${shared}: no such directory; pass --shared <dir>; ${USAGE}`);
  const files = new FileSet();
  const data = deriveCrdFile(shared);
  files.add(CRD_DATA_FILE, data);
  files.add(POLARIS_DATA_FILE, derivePolarisFile(shared));
  files.add(OPERATOR_RELEASES_DOC, renderOperatorReleasesDoc(crdIndex(JSON.parse(data) as DerivedCrdData)));
  files.commit(root, []);
  for (const [file, content] of files.entries()) process.stdout.write(`${file}: ${content.length} bytes\n`);
});
